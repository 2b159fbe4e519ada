import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingTableError } from '../routing-table-error';
import { defaultCatalogPath, loadModelCatalog, parseModelCatalog } from './model-catalog';

describe('model catalog', () => {
  it('ships a valid catalog covering the major providers', () => {
    const catalog = loadModelCatalog();
    for (const id of [
      'openai/gpt-4o',
      'openai/gpt-4o-mini',
      'openai/gpt-4.1',
      'openai/gpt-4.1-mini',
      'openai/o3-mini',
      'anthropic/claude-sonnet-4-5',
      'anthropic/claude-haiku-4-5',
      'anthropic/claude-opus-4-1',
      'google/gemini-2.5-pro',
      'google/gemini-2.5-flash',
      'google/gemini-2.5-flash-lite',
      'groq/llama-3.3-70b-versatile',
      'mistral/mistral-large-latest',
      'mistral/mistral-small-latest',
      'perplexity/sonar',
    ]) {
      expect(catalog.get(id)).toBeDefined();
    }
    expect(new Set([...catalog.values()].map((m) => m.provider))).toEqual(
      new Set(['openai', 'anthropic', 'google', 'groq', 'mistral', 'perplexity']),
    );
    expect(catalog.get('openai/gpt-4o-mini')?.price).toEqual({
      input_per_mtok: 0.15,
      output_per_mtok: 0.6,
      cached_input_per_mtok: 0.075,
    });
    expect(catalog.get('anthropic/claude-haiku-4-5')?.price).toMatchObject({
      cached_input_per_mtok: 0.1,
      cache_write_per_mtok: 1.25,
    });
  });

  it('rejects an invalid catalog with every problem', () => {
    const text = 'models:\n  openai/x:\n    context_window: 0\n    capabilities: [text]\n';
    try {
      parseModelCatalog(text, 'cat.yaml');
      throw new Error('expected rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(RoutingTableError);
      expect((error as RoutingTableError).issues.map((i) => i.path).sort()).toEqual([
        'models["openai/x"].context_window',
        'models["openai/x"].max_output_tokens',
        'models["openai/x"].price',
      ]);
    }
  });

  it('finds the catalog from compiled code, which runs from dist/libs/routing/src', () => {
    const root = mkdtempSync(join(tmpdir(), 'sy-catalog-'));
    try {
      const compiled = join(root, 'dist', 'libs', 'routing', 'src');
      mkdirSync(compiled, { recursive: true });
      mkdirSync(join(root, 'libs', 'routing', 'catalog'), { recursive: true });
      writeFileSync(join(root, 'libs', 'routing', 'catalog', 'models.yaml'), 'models: {}\n');
      expect(defaultCatalogPath(compiled)).toBe(
        join(root, 'libs', 'routing', 'catalog', 'models.yaml'),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports an unreadable catalog', () => {
    expect(() => loadModelCatalog('/nonexistent/models.yaml')).toThrow(
      /cannot read the model catalog \(ENOENT\)/,
    );
  });
});
