import { stringify } from 'yaml';
import { loadModelCatalog } from '../loading/model-catalog';
import { parseRoutingTable } from '../loading/parse-routing-table';
import { RoutingTableError } from '../routing-table-error';
import type { RoutingIssue } from '../routing-table.types';

const catalog = loadModelCatalog();
const KEYS = { OPENAI_API_KEY: 'k1', ANTHROPIC_API_KEY: 'k2', GEMINI_API_KEY: 'k3' };

function doc(primary: unknown, task: Record<string, unknown> = {}) {
  return {
    providers: {
      openai: { kind: 'openai', api_key_env: 'OPENAI_API_KEY' },
      anthropic: { kind: 'anthropic', api_key_env: 'ANTHROPIC_API_KEY' },
      google: { kind: 'google', api_key_env: 'GEMINI_API_KEY' },
    },
    tasks: {
      support: { primary, fallbacks: ['anthropic/claude-haiku-4-5'], ...task },
    },
  };
}

const parse = (d: object) => parseRoutingTable(stringify(d), 'test.yaml', KEYS, { catalog });

function errorsOf(d: object): RoutingIssue[] {
  try {
    parse(d);
  } catch (error) {
    if (error instanceof RoutingTableError) return error.issues;
    throw error;
  }
  throw new Error('expected the routes file to be rejected');
}

const P = 'tasks.support.primary';
const ninetyTen = [
  { model: 'openai/gpt-4o-mini', weight: 90 },
  { model: 'google/gemini-2.5-flash', weight: 10 },
];

describe('a weighted primary (split)', () => {
  it('loads as split arms; primary is the first arm', () => {
    const { table, warnings } = parse(doc(ninetyTen));
    expect(table.tasks.support.split).toEqual(ninetyTen);
    expect(table.tasks.support.primary).toBe('openai/gpt-4o-mini');
    expect(table.tasks.support.fallbacks).toEqual(['anthropic/claude-haiku-4-5']);
    expect(warnings).toEqual([]);
  });

  it('a plain primary has no split', () => {
    expect(parse(doc('openai/gpt-4o-mini')).table.tasks.support.split).toBeUndefined();
  });

  it('a rule may name a split primary of its own', () => {
    const { table } = parse(
      doc('openai/gpt-4o-mini', {
        rules: [{ name: 'canary', when: { tenant: 'acme' }, use: { primary: ninetyTen } }],
      }),
    );
    expect(table.tasks.support.rules?.[0].use).toEqual({ split: ninetyTen });
  });

  it('rejects a primary that is neither a model nor a list, and a list of one arm', () => {
    expect(errorsOf(doc(42))).toEqual([
      {
        path: P,
        message:
          'must be a "provider/model" string or a weighted list of { model, weight }, got 42',
      },
    ]);
    expect(errorsOf(doc([{ model: 'openai/gpt-4o-mini', weight: 1 }]))).toEqual([
      {
        path: P,
        message:
          'a weighted primary needs at least two { model, weight } arms (one model is a plain primary)',
      },
    ]);
  });

  it('checks each arm at its path: fields, weights, models, and a model twice in the chain', () => {
    expect(
      errorsOf(
        doc([
          { model: 'openai/gpt-4o-mni', weight: 0 },
          { modle: 'x', weight: 'heavy' },
          'google/gemini-2.5-flash',
          { model: 'anthropic/claude-haiku-4-5', weight: 1 },
        ]),
      ),
    ).toEqual([
      { path: `${P}[0].weight`, message: 'must be a number greater than 0, got 0' },
      {
        path: `${P}[1].modle`,
        message: 'unknown field (did you mean "model"?); expected model, weight',
      },
      { path: `${P}[1].model`, message: 'is required' },
      { path: `${P}[1].weight`, message: 'must be a number greater than 0, got "heavy"' },
      {
        path: `${P}[2]`,
        message: 'must be a mapping { model, weight }, got "google/gemini-2.5-flash"',
      },
      {
        path: `${P}[0].model`,
        message: 'unknown model "openai/gpt-4o-mni" (did you mean "openai/gpt-4o-mini"?)',
      },
      {
        path: 'tasks.support.fallbacks[0]',
        message: `"anthropic/claude-haiku-4-5" appears twice in the chain (already at ${P}[3].model)`,
      },
    ]);
  });

  it('warns for each arm with no fallback on another provider', () => {
    const { warnings } = parse(
      doc(
        [
          { model: 'anthropic/claude-sonnet-4-5', weight: 1 },
          { model: 'google/gemini-2.5-flash', weight: 1 },
        ],
        { fallbacks: ['anthropic/claude-haiku-4-5'] },
      ),
    );
    expect(warnings.filter((w) => w.path.startsWith('tasks.'))).toEqual([
      {
        path: 'tasks.support.fallbacks',
        message:
          'has fallbacks only on "anthropic", the primary\'s provider; an outage of "anthropic" fails every job of this task',
      },
    ]);
  });
});
