import { stringify } from 'yaml';
import { loadModelCatalog } from '../loading/model-catalog';
import { parseRoutingTable } from '../loading/parse-routing-table';
import { RoutingTableError } from '../routing-table-error';
import type { RoutingIssue } from '../routing-table.types';

const catalog = loadModelCatalog();
const KEYS = { OPENAI_API_KEY: 'k1', ANTHROPIC_API_KEY: 'k2', GEMINI_API_KEY: 'k3' };

function doc(rules: unknown, task: Record<string, unknown> = {}) {
  return {
    providers: {
      openai: { kind: 'openai', api_key_env: 'OPENAI_API_KEY' },
      anthropic: { kind: 'anthropic', api_key_env: 'ANTHROPIC_API_KEY' },
      google: { kind: 'google', api_key_env: 'GEMINI_API_KEY' },
    },
    tasks: {
      support: {
        primary: 'openai/gpt-4o-mini',
        fallbacks: ['anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash'],
        budget: { max_cost_usd: 0.05 },
        rules,
        ...task,
      },
    },
  };
}

const parse = (d: object, env: NodeJS.ProcessEnv = KEYS) =>
  parseRoutingTable(stringify(d), 'test.yaml', env, { catalog });

function errorsOf(d: object, env: NodeJS.ProcessEnv = KEYS): RoutingIssue[] {
  try {
    parse(d, env);
  } catch (error) {
    if (error instanceof RoutingTableError) return error.issues;
    throw error;
  }
  throw new Error('expected the routes file to be rejected');
}

const R = 'tasks.support.rules';

describe('rules: a valid list', () => {
  it('loads the issue example into typed rules, in order', () => {
    const { table, warnings } = parse(
      doc([
        {
          name: 'long-or-vip',
          when: { any: [{ input_tokens: { gt: 6000 } }, { 'metadata.tier': { in: ['vip'] } }] },
          use: { primary: 'anthropic/claude-sonnet-4-5', fallbacks: ['google/gemini-2.5-pro'] },
        },
        {
          name: 'vip',
          when: { 'metadata.tier': { in: ['enterprise'] } },
          use: { budget: { max_cost_usd: 0.2 } },
        },
      ]),
    );
    expect(table.tasks.support.rules).toEqual([
      {
        name: 'long-or-vip',
        when: {
          any: [
            { field: 'input_tokens', op: 'gt', value: 6000 },
            { field: 'metadata.tier', op: 'in', value: ['vip'] },
          ],
        },
        use: { primary: 'anthropic/claude-sonnet-4-5', fallbacks: ['google/gemini-2.5-pro'] },
      },
      {
        name: 'vip',
        when: { field: 'metadata.tier', op: 'in', value: ['enterprise'] },
        use: { budget: { max_cost_usd: 0.2 } },
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('several keys, or several operators, in one mapping must all hold; a bare value means eq', () => {
    const { table } = parse(
      doc([
        {
          name: 'mid',
          when: { input_tokens: { gte: 100, lt: 1000 }, has_image: true, not: { tenant: 'x' } },
          use: {
            require: ['json_schema'],
            exclude_providers: ['google'],
            budget: { latency_ms: 5000 },
          },
        },
      ]),
    );
    expect(table.tasks.support.rules?.[0]).toEqual({
      name: 'mid',
      when: {
        all: [
          {
            all: [
              { field: 'input_tokens', op: 'gte', value: 100 },
              { field: 'input_tokens', op: 'lt', value: 1000 },
            ],
          },
          { field: 'has_image', op: 'eq', value: true },
          { not: { field: 'tenant', op: 'eq', value: 'x' } },
        ],
      },
      use: {
        require: ['json_schema'],
        exclude_providers: ['google'],
        budget: { latency_ms: 5000 },
      },
    });
  });

  it('a task without rules has none', () => {
    expect(parse(doc(undefined)).table.tasks.support.rules).toBeUndefined();
  });
});

describe('rules: errors, each at its path', () => {
  const one = (rule: unknown) => errorsOf(doc([rule]));

  it('rules must be a list, and each rule a mapping with name, when and use', () => {
    expect(errorsOf(doc({ name: 'x' }))).toEqual([
      { path: R, message: 'must be a list of rules, got a mapping' },
    ]);
    expect(one({})).toEqual([
      { path: `${R}[0].name`, message: 'is required' },
      { path: `${R}[0].when`, message: 'is required' },
      { path: `${R}[0].use`, message: 'is required' },
    ]);
  });

  it('unknown keys get a did-you-mean', () => {
    expect(
      one({ name: 'a', whn: { messages: 1 }, when: { messages: 1 }, use: { primry: 'x' } }),
    ).toEqual([
      {
        path: `${R}[0].whn`,
        message: 'unknown field (did you mean "when"?); expected one of name, when, use',
      },
      {
        path: `${R}[0].use.primry`,
        message:
          'unknown action (did you mean "primary"?); expected one of primary, fallbacks, budget, require, exclude_providers',
      },
    ]);
  });

  it('an unknown condition field gets a did-you-mean', () => {
    expect(
      one({ name: 'a', when: { input_token: { gt: 1 } }, use: { require: ['text'] } }),
    ).toEqual([
      {
        path: `${R}[0].when.input_token`,
        message:
          'unknown condition (did you mean "input_tokens"?); expected one of input_tokens, has_image, has_tools, response_format, messages, tenant, all, any, not, metadata.<key>',
      },
    ]);
  });

  it('an unknown operator gets a did-you-mean; a known one on the wrong field says which apply', () => {
    expect(
      one({ name: 'a', when: { 'metadata.tier': { inn: ['x'] } }, use: { require: ['text'] } }),
    ).toEqual([
      {
        path: `${R}[0].when["metadata.tier"].inn`,
        message:
          'unknown operator (did you mean "in"?); expected one of eq, in, gt, gte, lt, lte, matches',
      },
    ]);
    expect(
      one({ name: 'a', when: { input_tokens: { matches: 'x' } }, use: { require: ['text'] } }),
    ).toEqual([
      {
        path: `${R}[0].when.input_tokens.matches`,
        message: 'matches does not apply to input_tokens; use one of eq, in, gt, gte, lt, lte',
      },
    ]);
  });

  it('operands of the wrong type', () => {
    const use = { require: ['text'] };
    expect(one({ name: 'a', when: { input_tokens: { gt: 'many' } }, use })).toEqual([
      { path: `${R}[0].when.input_tokens.gt`, message: 'must be a number, got "many"' },
    ]);
    expect(one({ name: 'a', when: { has_tools: 'yes' }, use })).toEqual([
      { path: `${R}[0].when.has_tools`, message: 'must be true or false, got "yes"' },
    ]);
    expect(one({ name: 'a', when: { response_format: 'json_shema' }, use })).toEqual([
      {
        path: `${R}[0].when.response_format`,
        message: 'must be one of text, json_schema (did you mean "json_schema"?), got "json_shema"',
      },
    ]);
    expect(one({ name: 'a', when: { messages: { in: [] } }, use })).toEqual([
      {
        path: `${R}[0].when.messages.in`,
        message: 'must be a non-empty list of values, got a list',
      },
    ]);
    expect(one({ name: 'a', when: { messages: { in: [1, 2.5] } }, use })).toEqual([
      { path: `${R}[0].when.messages.in[1]`, message: 'must be a whole number, got 2.5' },
    ]);
    expect(one({ name: 'a', when: { 'metadata.x': { eq: [1] } }, use })).toEqual([
      {
        path: `${R}[0].when["metadata.x"].eq`,
        message: 'must be a string, number or boolean, got a list',
      },
    ]);
  });

  it('a matches pattern RE2 refuses (backreference) is an error', () => {
    const issues = one({
      name: 'a',
      when: { 'metadata.user': { matches: '(a)\\1' } },
      use: { require: ['text'] },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe(`${R}[0].when["metadata.user"].matches`);
    expect(issues[0].message).toMatch(/^is not a pattern the linear-time engine \(RE2\) accepts/);
  });

  it('combinators need conditions', () => {
    expect(one({ name: 'a', when: { any: [] }, use: { require: ['text'] } })).toEqual([
      { path: `${R}[0].when.any`, message: 'must be a non-empty list of conditions, got a list' },
    ]);
    expect(one({ name: 'a', when: {}, use: { require: ['text'] } })).toEqual([
      { path: `${R}[0].when`, message: 'must name at least one condition' },
    ]);
    expect(
      one({
        name: 'a',
        when: { not: { all: [{ tenant: { eq: 1 } }] } },
        use: { require: ['text'] },
      }),
    ).toEqual([{ path: `${R}[0].when.not.all[0].tenant.eq`, message: 'must be a string, got 1' }]);
  });

  it('actions: models, budget keys, capabilities and providers are checked', () => {
    expect(
      one({
        name: 'a',
        when: { messages: 1 },
        use: {
          primary: 'openai/gpt-4o-mni',
          fallbacks: ['google/gemini-2.5-pro', 'google/gemini-2.5-pro'],
          budget: { max_cost_usd: -1, daily_usd: 5 },
          require: ['visoin'],
          exclude_providers: ['gogle'],
        },
      }),
    ).toEqual([
      {
        path: `${R}[0].use.primary`,
        message: 'unknown model "openai/gpt-4o-mni" (did you mean "openai/gpt-4o-mini"?)',
      },
      {
        path: `${R}[0].use.fallbacks[1]`,
        message: `"google/gemini-2.5-pro" appears twice in the chain (already at ${R}[0].use.fallbacks[0])`,
      },
      {
        path: `${R}[0].use.budget.daily_usd`,
        message:
          'unknown field; expected one of max_cost_usd, latency_ms (a rule may set only these)',
      },
      {
        path: `${R}[0].use.budget.max_cost_usd`,
        message: 'must be a number (USD) greater than 0, got -1',
      },
      {
        path: `${R}[0].use.require[0]`,
        message:
          'unknown capability "visoin" (did you mean "vision"?); expected one of text, vision, json_schema, tools, long_context, citations',
      },
      {
        path: `${R}[0].use.exclude_providers[0]`,
        message:
          'unknown provider "gogle" (did you mean "google"?); expected one declared under providers',
      },
    ]);
  });

  it('an empty use, a bad name, and a name used twice', () => {
    expect(
      errorsOf(
        doc([
          { name: 'a b', when: { messages: 1 }, use: {} },
          { name: 'x', when: { messages: 1 }, use: { require: ['text'] } },
          { name: 'x', when: { messages: 2 }, use: { require: ['text'] } },
        ]),
      ),
    ).toEqual([
      {
        path: `${R}[0].name`,
        message:
          'must be a name of letters, digits, "-" and "_" (starting with a letter or digit), got "a b"',
      },
      {
        path: `${R}[0].use`,
        message:
          'must be a mapping with at least one of primary, fallbacks, budget, require, exclude_providers, got a mapping',
      },
      { path: `${R}[2].name`, message: `"x" is already the name of ${R}[1]` },
    ]);
  });

  it('a value that came from the environment is never echoed', () => {
    const d = doc([
      { name: 'a', when: { input_tokens: { gt: '${SECRETISH}' } }, use: { require: ['text'] } },
    ]);
    const issues = errorsOf(d, { ...KEYS, SECRETISH: 'hunter2' });
    expect(issues).toEqual([
      {
        path: `${R}[0].when.input_tokens.gt`,
        message: 'must be a number, got a value that is not shown',
      },
    ]);
  });
});

describe('rules: warnings (routes:check)', () => {
  const warningsOf = (rules: unknown) => parse(doc(rules)).warnings;

  it('a rule an earlier one always pre-empts', () => {
    expect(
      warningsOf([
        { name: 'long', when: { input_tokens: { gt: 6000 } }, use: { require: ['text'] } },
        { name: 'longer', when: { input_tokens: { gte: 9000 } }, use: { require: ['text'] } },
        {
          name: 'long-vip',
          when: { input_tokens: { gt: 7000 }, 'metadata.tier': 'vip' },
          use: { require: ['text'] },
        },
        { name: 'short', when: { input_tokens: { lte: 6000 } }, use: { require: ['text'] } },
      ]),
    ).toEqual([
      {
        path: `${R}[1].when`,
        message:
          'rule "longer" can never match: the earlier rule "long" (rules[0]) matches every job it would',
      },
      {
        path: `${R}[2].when`,
        message:
          'rule "long-vip" can never match: the earlier rule "long" (rules[0]) matches every job it would',
      },
    ]);
  });

  it('value lists and any: shadowed only when one earlier rule covers every value', () => {
    expect(
      warningsOf([
        {
          name: 'a',
          when: { 'metadata.tier': { in: ['gold', 'vip'] } },
          use: { require: ['text'] },
        },
        { name: 'b', when: { 'metadata.tier': 'vip' }, use: { require: ['text'] } },
        {
          name: 'c',
          when: { 'metadata.tier': { in: ['vip', 'free'] } },
          use: { require: ['text'] },
        },
        {
          name: 'd',
          when: { any: [{ 'metadata.tier': 'gold' }, { 'metadata.tier': 'vip' }] },
          use: { require: ['text'] },
        },
      ]).map((w) => w.path),
    ).toEqual([`${R}[1].when`, `${R}[3].when`]);
  });

  it('a rule whose chain stays on one provider', () => {
    expect(
      warningsOf([
        {
          name: 'claude-only',
          when: { messages: { gt: 10 } },
          use: {
            primary: 'anthropic/claude-sonnet-4-5',
            fallbacks: ['anthropic/claude-haiku-4-5'],
          },
        },
        {
          name: 'no-google-no-anthropic',
          when: { tenant: 'x' },
          use: { exclude_providers: ['google', 'anthropic'] },
        },
        { name: 'fine', when: { tenant: 'y' }, use: { primary: 'google/gemini-2.5-pro' } },
      ]),
    ).toEqual([
      {
        path: `${R}[0].use`,
        message:
          'the chain of rule "claude-only" has no fallback on a provider other than "anthropic" (of "anthropic/claude-sonnet-4-5"); an outage of "anthropic" fails every job the rule matches',
      },
      {
        path: `${R}[1].use`,
        message:
          'the chain of rule "no-google-no-anthropic" has no fallback on a provider other than "openai" (of "openai/gpt-4o-mini"); an outage of "openai" fails every job the rule matches',
      },
    ]);
  });
});
