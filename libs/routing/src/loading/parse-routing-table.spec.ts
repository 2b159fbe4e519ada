import { stringify } from 'yaml';
import { RoutingTableError } from '../routing-table-error';
import type { RoutingIssue } from '../routing-table.types';
import { loadModelCatalog } from './model-catalog';
import { parseRoutingTable } from './parse-routing-table';

const catalog = loadModelCatalog();
const KEYS = { OPENAI_API_KEY: 'k1', ANTHROPIC_API_KEY: 'k2', GROQ_API_KEY: 'k3' };

type Mapping = Record<string, unknown>;
interface TaskDoc extends Mapping {
  budget?: Mapping;
}
/** A routes file as plain data, loose enough to break in every way the tests need. */
interface Doc extends Mapping {
  providers: Record<string, Mapping>;
  tasks: Record<string, TaskDoc>;
  models?: Mapping;
}

/** A small valid file: two providers, one task routed across both. */
function validDoc(): Doc {
  return {
    providers: {
      openai: { kind: 'openai', api_key_env: 'OPENAI_API_KEY' },
      anthropic: { kind: 'anthropic', api_key_env: 'ANTHROPIC_API_KEY' },
    },
    tasks: {
      chat: {
        primary: 'openai/gpt-4o-mini',
        fallbacks: ['anthropic/claude-haiku-4-5'],
        budget: { max_cost_usd: 0.05, daily_usd: 10 },
      },
    },
  };
}

function parse(doc: object | string, env: NodeJS.ProcessEnv = KEYS) {
  const text = typeof doc === 'string' ? doc : stringify(doc);
  return parseRoutingTable(text, 'test.yaml', env, { catalog });
}

function errorsOf(doc: object | string, env: NodeJS.ProcessEnv = KEYS): RoutingIssue[] {
  try {
    parse(doc, env);
  } catch (error) {
    if (error instanceof RoutingTableError) return error.issues;
    throw error;
  }
  throw new Error('expected the routes file to be rejected');
}

describe('parseRoutingTable: a valid file', () => {
  it('builds the typed table with defaults filled in and no warnings', () => {
    const { table, warnings } = parse(validDoc());
    expect(warnings).toEqual([]);
    expect(table.source).toBe('test.yaml');
    expect(table.providers.openai).toEqual({
      name: 'openai',
      kind: 'openai',
      api_key_env: 'OPENAI_API_KEY',
      concurrency: 8,
      timeout_ms: 60000,
      first_token_timeout_ms: 15000,
      stream_idle_timeout_ms: 30000,
    });
    expect(table.tasks.chat).toEqual({
      name: 'chat',
      primary: 'openai/gpt-4o-mini',
      fallbacks: ['anthropic/claude-haiku-4-5'],
      requires: [],
      budget: { max_cost_usd: 0.05, daily_usd: 10, alert_at: 0.8 },
      on_invalid_output: 'fallback',
      retry: { attempts: 2, backoff_ms: 250 },
      ledger: { store_prompts: true, store_responses: true },
    });
    expect(table.models['openai/gpt-4o-mini']).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      price: { input_per_mtok: 0.15, output_per_mtok: 0.6 },
    });
  });

  it('keeps only catalog models whose provider is declared, without complaining about the rest', () => {
    const { table } = parse(validDoc());
    const providers = new Set(Object.values(table.models).map((m) => m.provider));
    expect(providers).toEqual(new Set(['openai', 'anthropic']));
    expect(table.models['perplexity/sonar']).toBeUndefined();
  });

  it('merges a models entry over the catalog field by field and adds new models', () => {
    const doc = validDoc();
    doc.models = {
      'openai/gpt-4o-mini': { price: { input_per_mtok: 0.1 } },
      'openai/my-fine-tune': {
        context_window: 16000,
        max_output_tokens: 4000,
        capabilities: ['text'],
        price: { input_per_mtok: 3, output_per_mtok: 12 },
      },
    };
    const { table } = parse(doc);
    expect(table.models['openai/gpt-4o-mini']).toMatchObject({
      context_window: 128000,
      price: { input_per_mtok: 0.1, output_per_mtok: 0.6 },
    });
    expect(table.models['openai/my-fine-tune'].model).toBe('my-fine-tune');
  });

  it('fills task options that are given and keeps the defaults for the rest', () => {
    const doc = validDoc();
    Object.assign(doc.tasks.chat, {
      on_invalid_output: 'fail',
      retry: { attempts: 3 },
      max_tokens: 512,
      ledger: { store_prompts: false, max_chars: 100 },
      budget: { latency_ms: 5000, alert_at: 0.5 },
    });
    const task = parse(doc).table.tasks.chat;
    expect(task.on_invalid_output).toBe('fail');
    expect(task.retry).toEqual({ attempts: 3, backoff_ms: 250 });
    expect(task.max_tokens).toBe(512);
    expect(task.ledger).toEqual({ store_prompts: false, store_responses: true, max_chars: 100 });
    expect(task.budget).toEqual({ latency_ms: 5000, alert_at: 0.5 });
  });
});

describe('parseRoutingTable: environment variables', () => {
  it('substitutes ${VAR} and ${VAR:-default}, typing whole-value references', () => {
    const doc = validDoc();
    doc.providers.openai.base_url = '${OPENAI_HOST:-https://api.openai.com}/v1';
    doc.providers.openai.concurrency = '${OPENAI_CONCURRENCY:-3}';
    doc.tasks.chat.budget = { ...doc.tasks.chat.budget, daily_usd: '${CHAT_DAILY}' };
    const { table } = parse(doc, { ...KEYS, CHAT_DAILY: '12.5' });
    expect(table.providers.openai.base_url).toBe('https://api.openai.com/v1');
    expect(table.providers.openai.concurrency).toBe(3);
    expect(table.tasks.chat.budget.daily_usd).toBe(12.5);
  });

  it('reports an unset variable without a default at its path, once', () => {
    const doc = validDoc();
    doc.tasks.chat.primary = '${CHAT_MODEL}';
    const issues = errorsOf(doc);
    expect(issues).toEqual([
      { path: 'tasks.chat.primary', message: expect.stringContaining('CHAT_MODEL is not set') },
    ]);
  });

  it('never echoes a value that came from the environment', () => {
    const doc = validDoc();
    doc.providers.openai.concurrency = '${SECRETISH}';
    const issues = errorsOf(doc, { ...KEYS, SECRETISH: 'sk-live-123' });
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('providers.openai.concurrency');
    expect(JSON.stringify(issues)).not.toContain('sk-live-123');
  });
});

describe('parseRoutingTable: errors', () => {
  it('reports YAML syntax errors with line and column', () => {
    const issues = errorsOf('providers:\n  openai: [unclosed\n');
    expect(issues[0].path).toMatch(/^line \d+, column \d+$/);
    expect(issues[0].message).not.toMatch(/\n| at line/);
  });

  it('reports duplicate keys', () => {
    const issues = errorsOf('tasks:\n  chat: {}\n  chat: {}\nproviders: {}\n');
    expect(issues[0].message).toMatch(/unique/i);
  });

  it('reports missing sections and unknown top-level fields', () => {
    const issues = errorsOf({ provider: {} });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'provider', message: expect.stringContaining('did you mean "providers"?') },
        { path: 'providers', message: expect.stringContaining('is required') },
        { path: 'tasks', message: expect.stringContaining('is required') },
      ]),
    );
  });

  it('reports wrong types and missing fields, every one at once', () => {
    const doc = validDoc();
    doc.providers.openai.concurrency = 'lots';
    doc.providers.openai.timeout_ms = -5;
    doc.providers.openai.first_token_timeout_ms = 0;
    doc.providers.openai.stream_idle_timeout_ms = 1.5;
    delete doc.tasks.chat.primary;
    doc.tasks.chat.retry = 'often';
    doc.tasks.chat.ledger = { store_prompts: 'yes' };
    const issues = errorsOf(doc);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'providers.openai.concurrency', message: 'must be a whole number, got "lots"' },
        { path: 'providers.openai.timeout_ms', message: 'must be at least 1, got -5' },
        { path: 'providers.openai.first_token_timeout_ms', message: 'must be at least 1, got 0' },
        {
          path: 'providers.openai.stream_idle_timeout_ms',
          message: 'must be a whole number of milliseconds, got 1.5',
        },
        { path: 'tasks.chat.primary', message: 'is required' },
        { path: 'tasks.chat.retry', message: 'must be a mapping, got "often"' },
        { path: 'tasks.chat.ledger.store_prompts', message: 'must be true or false, got "yes"' },
      ]),
    );
    expect(issues).toHaveLength(7);
  });

  it('reports unknown fields with a suggestion', () => {
    const doc = validDoc();
    doc.tasks.chat.fallback = doc.tasks.chat.fallbacks;
    expect(errorsOf(doc)).toContainEqual({
      path: 'tasks.chat.fallback',
      message: 'unknown field (did you mean "fallbacks"?)',
    });
  });

  it('refuses tokens_per_minute, which nothing enforces, pointing at requests_per_minute', () => {
    const doc = validDoc();
    doc.providers.openai.rate_limit = { requests_per_minute: 500, tokens_per_minute: 200000 };
    const issues = errorsOf(doc);
    expect(issues).toEqual([
      {
        path: 'providers.openai.rate_limit.tokens_per_minute',
        message:
          'is not enforced by Switchyard and is refused; limit the provider with requests_per_minute instead',
      },
    ]);
  });

  it('reports an unknown provider kind', () => {
    const doc = validDoc();
    doc.providers.openai.kind = 'opneai';
    expect(errorsOf(doc)).toContainEqual({
      path: 'providers.openai.kind',
      message: 'must be one of openai, anthropic, google, openai-compatible, got "opneai"',
    });
  });

  it('requires base_url for openai-compatible providers', () => {
    const doc = validDoc();
    doc.providers.groq = { kind: 'openai-compatible', api_key_env: 'GROQ_API_KEY' };
    expect(errorsOf(doc)).toContainEqual({
      path: 'providers.groq.base_url',
      message: 'is required for kind openai-compatible',
    });
  });

  it('rejects what looks like a pasted key in api_key_env without echoing it', () => {
    const doc = validDoc();
    doc.providers.openai.api_key_env = 'sk-proj-abc123';
    const issues = errorsOf(doc);
    expect(issues).toEqual([
      {
        path: 'providers.openai.api_key_env',
        message: expect.stringContaining('name of an environment variable'),
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain('sk-proj-abc123');
  });

  it('rejects provider and task names unsafe for queue names and keys', () => {
    const doc = validDoc();
    doc.tasks['my task'] = doc.tasks.chat;
    expect(errorsOf(doc)).toContainEqual({
      path: 'tasks["my task"]',
      message: expect.stringContaining('task names may contain only'),
    });
  });

  it('reports an unknown provider in a model key', () => {
    const doc = validDoc();
    doc.models = {
      'opnai/gpt-9': {
        context_window: 1000,
        max_output_tokens: 100,
        capabilities: ['text'],
        price: { input_per_mtok: 1, output_per_mtok: 1 },
      },
    };
    expect(errorsOf(doc)).toContainEqual({
      path: 'models["opnai/gpt-9"]',
      message: 'unknown provider "opnai" (did you mean "openai"?); declare it under providers',
    });
  });

  it('reports a model key that is not provider/model', () => {
    const doc = validDoc();
    doc.models = {
      'gpt-9': {
        context_window: 1,
        max_output_tokens: 1,
        capabilities: [],
        price: { input_per_mtok: 1, output_per_mtok: 1 },
      },
    };
    expect(errorsOf(doc)).toContainEqual({
      path: 'models.gpt-9',
      message: 'model keys must look like "provider/model", got "gpt-9"',
    });
  });

  it('reports negative prices and unknown capabilities in models', () => {
    const doc = validDoc();
    doc.models = {
      'openai/cheap': {
        context_window: 1000,
        max_output_tokens: 100,
        capabilities: ['text', 'visoin'],
        price: { input_per_mtok: -1, output_per_mtok: 1 },
      },
    };
    const issues = errorsOf(doc);
    expect(issues).toContainEqual({
      path: 'models["openai/cheap"].price.input_per_mtok',
      message: 'must not be negative, got -1',
    });
    expect(issues).toContainEqual({
      path: 'models["openai/cheap"].capabilities[1]',
      message: expect.stringContaining('unknown capability "visoin" (did you mean "vision"?)'),
    });
  });

  it('reports an unknown model in primary or fallbacks with a did-you-mean', () => {
    const doc = validDoc();
    doc.tasks.chat.fallbacks = ['openai/gpt-4o-mni'];
    doc.tasks.chat.primary = 'openai/zzzzzzzzzzzzzzzzz';
    const issues = errorsOf(doc);
    expect(issues).toContainEqual({
      path: 'tasks.chat.fallbacks[0]',
      message: 'unknown model "openai/gpt-4o-mni" (did you mean "openai/gpt-4o-mini"?)',
    });
    expect(issues).toContainEqual({
      path: 'tasks.chat.primary',
      message: expect.stringContaining(
        'unknown model "openai/zzzzzzzzzzzzzzzzz"; declare it under models',
      ),
    });
  });

  it('reports a model whose provider is not declared', () => {
    const doc = validDoc();
    doc.tasks.chat.fallbacks = ['perplexity/sonar'];
    expect(errorsOf(doc)).toContainEqual({
      path: 'tasks.chat.fallbacks[0]',
      message:
        'model "perplexity/sonar" belongs to provider "perplexity", which is not declared under providers',
    });
  });

  it('reports duplicates in a chain', () => {
    const doc = validDoc();
    doc.tasks.chat.fallbacks = ['anthropic/claude-haiku-4-5', 'openai/gpt-4o-mini'];
    expect(errorsOf(doc)).toContainEqual({
      path: 'tasks.chat.fallbacks[1]',
      message: '"openai/gpt-4o-mini" appears twice in the chain (already at tasks.chat.primary)',
    });
  });

  it('reports a non-string chain entry and an unknown required capability', () => {
    const doc = validDoc();
    doc.tasks.chat.fallbacks = [42];
    doc.tasks.chat.requires = ['json-schema'];
    const issues = errorsOf(doc);
    expect(issues).toContainEqual({
      path: 'tasks.chat.fallbacks[0]',
      message: 'must be a "provider/model" string, got 42',
    });
    expect(issues).toContainEqual({
      path: 'tasks.chat.requires[0]',
      message: expect.stringContaining('(did you mean "json_schema"?)'),
    });
  });

  it.each([0, 1.5, -0.2])('reports alert_at %p outside (0, 1]', (alertAt) => {
    const doc = validDoc();
    doc.tasks.chat.budget = { ...doc.tasks.chat.budget, alert_at: alertAt };
    expect(errorsOf(doc)).toEqual([
      { path: 'tasks.chat.budget.alert_at', message: `must be in (0, 1], got ${alertAt}` },
    ]);
  });

  it('reports out-of-range budget, retry and on_invalid_output values', () => {
    const doc = validDoc();
    doc.tasks.chat.budget = { max_cost_usd: 0, daily_usd: -3, latency_ms: 1.5 };
    doc.tasks.chat.retry = { attempts: 0, backoff_ms: -1 };
    doc.tasks.chat.on_invalid_output = 'retry';
    const paths = errorsOf(doc).map((issue) => issue.path);
    expect(paths.sort()).toEqual(
      [
        'tasks.chat.budget.daily_usd',
        'tasks.chat.budget.latency_ms',
        'tasks.chat.budget.max_cost_usd',
        'tasks.chat.on_invalid_output',
        'tasks.chat.retry.attempts',
        'tasks.chat.retry.backoff_ms',
      ].sort(),
    );
  });
});

describe('parseRoutingTable: warnings', () => {
  const warningsOf = (doc: object, env: NodeJS.ProcessEnv = KEYS) => parse(doc, env).warnings;

  it('warns when every fallback sits on the primary provider', () => {
    const doc = validDoc();
    doc.tasks.chat.fallbacks = ['openai/gpt-4.1-mini'];
    doc.tasks.other = { primary: 'anthropic/claude-haiku-4-5' };
    expect(warningsOf(doc)).toEqual([
      {
        path: 'tasks.chat.fallbacks',
        message: expect.stringContaining('fallbacks only on "openai", the primary\'s provider'),
      },
      { path: 'tasks.other.fallbacks', message: expect.stringContaining('has no fallbacks') },
    ]);
  });

  it('warns when no candidate has a required capability, and about each candidate lacking one', () => {
    const doc = validDoc();
    doc.providers.groq = {
      kind: 'openai-compatible',
      base_url: 'https://api.groq.com/openai/v1',
      api_key_env: 'GROQ_API_KEY',
    };
    doc.tasks.chat.requires = ['citations'];
    doc.tasks.chat.fallbacks = ['groq/llama-3.3-70b-versatile'];
    doc.tasks.chat.primary = 'openai/gpt-4o';
    doc.tasks.vision = {
      primary: 'openai/gpt-4o-mini',
      fallbacks: ['groq/llama-3.3-70b-versatile'],
      requires: ['vision'],
    };
    expect(warningsOf(doc)).toEqual([
      {
        path: 'tasks.chat.requires',
        message: expect.stringContaining('no model in the chain supports "citations"'),
      },
      {
        path: 'tasks.vision.fallbacks[0]',
        message: expect.stringContaining('"groq/llama-3.3-70b-versatile" lacks "vision"'),
      },
      { path: 'providers.anthropic', message: 'is not used by any task' },
    ]);
  });

  it("warns when the primary's typical worst-case cost breaks max_cost_usd", () => {
    const doc = validDoc();
    // claude-opus-4-1: 1000 input tokens at $15/M + 4096 output tokens at $75/M ~ $0.32
    doc.tasks.chat.primary = 'anthropic/claude-opus-4-1';
    doc.tasks.chat.fallbacks = ['openai/gpt-4o-mini'];
    doc.tasks.chat.budget = { ...doc.tasks.chat.budget, max_cost_usd: 0.1 };
    expect(warningsOf(doc)).toEqual([
      {
        path: 'tasks.chat.budget.max_cost_usd',
        message: expect.stringContaining(
          'may cost $0.3222 per call (1000 input + 4096 output tokens)',
        ),
      },
    ]);
    doc.tasks.chat.max_tokens = 1000; // 0.015 + 0.075 fits under 0.1
    expect(warningsOf(doc)).toEqual([]);
  });

  it('warns when the task max_tokens exceeds a model output cap', () => {
    const doc = validDoc();
    doc.tasks.chat.max_tokens = 20000;
    doc.tasks.chat.budget = {};
    expect(warningsOf(doc)).toEqual([
      {
        path: 'tasks.chat.max_tokens',
        message: expect.stringContaining(
          'over the 16384 output tokens "openai/gpt-4o-mini" allows',
        ),
      },
    ]);
  });

  it('warns about an unused provider', () => {
    const doc = validDoc();
    doc.providers.groq = {
      kind: 'openai-compatible',
      base_url: 'http://localhost:8000/v1',
      api_key_env: 'GROQ_API_KEY',
    };
    expect(warningsOf(doc)).toEqual([
      { path: 'providers.groq', message: 'is not used by any task' },
    ]);
  });

  it('warns about a provider without a key variable', () => {
    const doc = validDoc();
    delete doc.providers.anthropic.api_key_env;
    expect(warningsOf(doc)).toEqual([
      {
        path: 'providers.anthropic',
        message: 'has no api_key_env; calls to "anthropic" will go to the simulator',
      },
    ]);
  });

  it('warns about a provider whose key variable is unset, naming the variable but no value', () => {
    expect(warningsOf(validDoc(), { OPENAI_API_KEY: 'k1' })).toEqual([
      {
        path: 'providers.anthropic.api_key_env',
        message: 'ANTHROPIC_API_KEY is not set; calls to "anthropic" will go to the simulator',
      },
    ]);
  });
});
