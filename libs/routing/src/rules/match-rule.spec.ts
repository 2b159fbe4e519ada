import { task } from '../testing/plan-fixtures';
import { applyRule, conditionHolds, matchRule } from './match-rule';
import { ruleSignals } from './rule-signals';
import type { RoutingRule, RuleCondition, RuleSignals } from './rule.types';

function signals(overrides: Partial<RuleSignals> = {}): RuleSignals {
  return {
    input_tokens: 100,
    has_image: false,
    has_tools: false,
    response_format: 'text',
    messages: 1,
    metadata: {},
    tenant: 'acme',
    ...overrides,
  };
}

const holds = (condition: RuleCondition, overrides: Partial<RuleSignals> = {}) =>
  conditionHolds(condition, signals(overrides));

describe('conditionHolds: operators', () => {
  it('eq compares exactly, without type coercion', () => {
    expect(holds({ field: 'tenant', op: 'eq', value: 'acme' })).toBe(true);
    expect(holds({ field: 'tenant', op: 'eq', value: 'other' })).toBe(false);
    expect(holds({ field: 'metadata.n', op: 'eq', value: 5 }, { metadata: { n: '5' } })).toBe(
      false,
    );
  });

  it('in matches any listed value', () => {
    const vip: RuleCondition = { field: 'metadata.tier', op: 'in', value: ['enterprise', 'gold'] };
    expect(holds(vip, { metadata: { tier: 'gold' } })).toBe(true);
    expect(holds(vip, { metadata: { tier: 'free' } })).toBe(false);
  });

  it.each([
    ['gt', 6000, [6001, 6000]],
    ['gte', 6000, [6000, 5999]],
    ['lt', 10, [9, 10]],
    ['lte', 10, [10, 11]],
  ] as const)('%s %d: holds at %p, not at the boundary past it', (op, value, [yes, no]) => {
    const condition = { field: 'input_tokens', op, value };
    expect(holds(condition, { input_tokens: yes })).toBe(true);
    expect(holds(condition, { input_tokens: no })).toBe(false);
  });

  it('numeric operators never match a value that is not a number', () => {
    expect(holds({ field: 'metadata.n', op: 'gt', value: 1 }, { metadata: { n: '5' } })).toBe(
      false,
    );
    expect(holds({ field: 'metadata.n', op: 'gt', value: 1 }, { metadata: { n: 5 } })).toBe(true);
  });

  it('matches runs the pattern on a string metadata value (unanchored, like RegExp.test)', () => {
    const condition = { field: 'metadata.user', op: 'matches', value: '^vip-\\d+$' } as const;
    expect(holds(condition, { metadata: { user: 'vip-42' } })).toBe(true);
    expect(holds(condition, { metadata: { user: 'vip-x' } })).toBe(false);
    expect(holds(condition, { metadata: { user: 42 } })).toBe(false);
    expect(
      holds({ field: 'metadata.user', op: 'matches', value: 'ip' }, { metadata: { user: 'vip' } }),
    ).toBe(true);
  });

  it('matches stays linear on a pattern that makes backtracking engines explode', () => {
    const started = performance.now();
    const condition = { field: 'metadata.s', op: 'matches', value: '^(a|a)+$' } as const;
    expect(holds(condition, { metadata: { s: `${'a'.repeat(5000)}b` } })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a metadata key the job does not set matches nothing, and inherited keys do not exist', () => {
    expect(holds({ field: 'metadata.tier', op: 'eq', value: 'x' })).toBe(false);
    expect(holds({ field: 'metadata.constructor', op: 'in', value: ['x'] })).toBe(false);
    expect(holds({ not: { field: 'metadata.tier', op: 'eq', value: 'x' } })).toBe(true);
  });
});

describe('conditionHolds: every field', () => {
  it.each([
    ['input_tokens', { input_tokens: 7000 }, 7000],
    ['has_image', { has_image: true }, true],
    ['has_tools', { has_tools: true }, true],
    ['response_format', { response_format: 'json_schema' }, 'json_schema'],
    ['messages', { messages: 3 }, 3],
    ['tenant', { tenant: 'beta' }, 'beta'],
    ['metadata.tier', { metadata: { tier: 'enterprise' } }, 'enterprise'],
  ] as const)('%s reads its signal', (field, overrides, value) => {
    expect(holds({ field, op: 'eq', value }, overrides as Partial<RuleSignals>)).toBe(true);
    expect(holds({ field, op: 'eq', value })).toBe(false);
  });
});

describe('conditionHolds: combinators', () => {
  const long = { field: 'input_tokens', op: 'gt', value: 6000 } as const;
  const vip = { field: 'metadata.tier', op: 'eq', value: 'vip' } as const;
  it('all needs every part', () => {
    expect(holds({ all: [long, vip] }, { input_tokens: 7000, metadata: { tier: 'vip' } })).toBe(
      true,
    );
    expect(holds({ all: [long, vip] }, { input_tokens: 7000 })).toBe(false);
  });
  it('any needs one part', () => {
    expect(holds({ any: [long, vip] }, { metadata: { tier: 'vip' } })).toBe(true);
    expect(holds({ any: [long, vip] }, { input_tokens: 7000 })).toBe(true);
    expect(holds({ any: [long, vip] })).toBe(false);
  });
  it('not inverts, and nests', () => {
    expect(holds({ not: long })).toBe(true);
    expect(holds({ not: { any: [long, vip] } }, { input_tokens: 7000 })).toBe(false);
  });
});

describe('matchRule', () => {
  const rules: RoutingRule[] = [
    {
      name: 'long',
      when: { field: 'input_tokens', op: 'gt', value: 6000 },
      use: { primary: 'b/two', fallbacks: ['c/three'] },
    },
    {
      name: 'vip',
      when: { field: 'metadata.tier', op: 'in', value: ['enterprise'] },
      use: { budget: { max_cost_usd: 0.2 } },
    },
  ];
  const support = task({ rules, budget: { max_cost_usd: 0.05, alert_at: 0.8 } });

  it('takes the first rule that holds, in order', () => {
    const both = signals({ input_tokens: 9000, metadata: { tier: 'enterprise' } });
    expect(matchRule(support, both).rule?.name).toBe('long');
    expect(matchRule(support, signals({ metadata: { tier: 'enterprise' } })).rule?.name).toBe(
      'vip',
    );
  });

  it('leaves the task as it is when no rule holds', () => {
    const match = matchRule(support, signals());
    expect(match.rule).toBeNull();
    expect(match.effectiveTask).toBe(support);
  });

  it('treats a task without rules as having none', () => {
    expect(matchRule(task(), signals()).rule).toBeNull();
  });
});

describe('applyRule: actions', () => {
  const base = task({
    primary: 'a/one',
    fallbacks: ['b/two', 'c/three'],
    requires: ['text'],
    budget: { max_cost_usd: 0.05, latency_ms: 30000, daily_usd: 10, alert_at: 0.8 },
  });
  const rule = (use: RoutingRule['use']): RoutingRule => ({
    name: 'r',
    when: { field: 'messages', op: 'gte', value: 1 },
    use,
  });

  it('replaces the whole chain', () => {
    const t = applyRule(base, rule({ primary: 'd/four', fallbacks: ['e/five'] }));
    expect([t.primary, ...t.fallbacks]).toEqual(['d/four', 'e/five']);
  });

  it('a new primary keeps the task fallbacks, minus the model it now names', () => {
    const t = applyRule(base, rule({ primary: 'b/two' }));
    expect([t.primary, ...t.fallbacks]).toEqual(['b/two', 'c/three']);
  });

  it('new fallbacks keep the task primary', () => {
    const t = applyRule(base, rule({ fallbacks: ['c/three'] }));
    expect([t.primary, ...t.fallbacks]).toEqual(['a/one', 'c/three']);
  });

  it('a budget raises or tightens only the limits it names', () => {
    const raised = applyRule(base, rule({ budget: { max_cost_usd: 0.2 } }));
    expect(raised.budget).toEqual({
      max_cost_usd: 0.2,
      latency_ms: 30000,
      daily_usd: 10,
      alert_at: 0.8,
    });
    const tightened = applyRule(base, rule({ budget: { latency_ms: 5000 } }));
    expect(tightened.budget.latency_ms).toBe(5000);
    expect(tightened.budget.max_cost_usd).toBe(0.05);
  });

  it('require adds capabilities to the task requires', () => {
    expect(applyRule(base, rule({ require: ['json_schema', 'text'] })).requires).toEqual([
      'text',
      'json_schema',
    ]);
  });

  it('a split primary replaces the primary and keeps the rest of the chain', () => {
    const t = applyRule(
      base,
      rule({
        split: [
          { model: 'b/two', weight: 1 },
          { model: 'd/four', weight: 1 },
        ],
      }),
    );
    expect(t.split).toEqual([
      { model: 'b/two', weight: 1 },
      { model: 'd/four', weight: 1 },
    ]);
    expect(t.primary).toBe('b/two');
    expect(t.fallbacks).toEqual(['c/three']);
  });

  it('never changes the table task it was given', () => {
    const before = JSON.stringify(base);
    applyRule(base, rule({ primary: 'd/four', budget: { max_cost_usd: 1 }, require: ['tools'] }));
    expect(JSON.stringify(base)).toBe(before);
  });
});

describe('ruleSignals', () => {
  it('reads the request: estimate, image, tools, format, count, metadata, tenant', () => {
    const s = ruleSignals(
      {
        messages: [
          { role: 'system', content: 'x'.repeat(400) },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', url: 'https://example.com/a.png' },
            ],
          },
        ],
        response_format: { type: 'json_schema', schema: {} },
        tools: [{ name: 'lookup', parameters: {} }],
        metadata: { tier: 'enterprise' },
      },
      'acme',
    );
    expect(s).toEqual({
      input_tokens: 100 + 4 + 1000,
      has_image: true,
      has_tools: true,
      response_format: 'json_schema',
      messages: 2,
      metadata: { tier: 'enterprise' },
      tenant: 'acme',
    });
  });

  it('a plain text job: no image, no tools, text format, empty metadata', () => {
    expect(ruleSignals({ messages: [{ role: 'user', content: 'hi' }] }, 't')).toMatchObject({
      has_image: false,
      has_tools: false,
      response_format: 'text',
      metadata: {},
    });
  });

  it('a conversation carrying tool results has tools even when it offers none now', () => {
    const s = ruleSignals(
      {
        messages: [
          { role: 'assistant', content: '', tool_calls: [{ id: '1', name: 'f', arguments: {} }] },
          { role: 'tool', content: '42', tool_call_id: '1' },
        ],
      },
      't',
    );
    expect(s.has_tools).toBe(true);
  });
});
