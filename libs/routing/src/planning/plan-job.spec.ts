import type { ChatMessage } from '@switchyard/providers';
import type { ModelConfig } from '../routing-table.types';
import { planJob } from './plan-job';
import type { PlanInput } from './plan.types';
import { model, task } from '../testing/plan-fixtures';

const text: ChatMessage[] = [{ role: 'user', content: 'x'.repeat(400) }]; // 100 tokens
const withImage: ChatMessage[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'what is this?' },
      { type: 'image', url: 'https://x/y.png' },
    ],
  },
];

function models(...list: ModelConfig[]): Record<string, ModelConfig> {
  return Object.fromEntries(list.map((m) => [m.id, m]));
}

const defaults = models(model('a/one'), model('b/two'), model('c/three'));

function plan(overrides: Partial<PlanInput> = {}) {
  return planJob({ task: task(), models: defaults, messages: text, ...overrides });
}

const ids = (list: Array<{ id: string }>) => list.map((c) => c.id);

describe('planJob', () => {
  it('keeps primary then fallbacks in order with estimates when nothing rules them out', () => {
    const result = plan({ max_tokens: 1000 });
    expect(ids(result.candidates)).toEqual(['a/one', 'b/two', 'c/three']);
    expect(result.skipped).toEqual([]);
    expect(result.estimated_input_tokens).toBe(100);
    expect(result.max_tokens).toBe(1000);
    // 100 input tokens at $1/M + 1000 output tokens at $10/M
    expect(result.candidates[0]).toEqual({
      provider: 'a',
      model: 'one',
      id: 'a/one',
      max_tokens: 1000,
      estimated_cost_usd: 0.0101,
    });
  });

  it("caps each candidate's max_tokens at its model's output limit and estimates the cost with it", () => {
    const result = plan({
      max_tokens: 20_000,
      models: models(model('a/one', { max_output_tokens: 1000 }), model('b/two'), model('c/three')),
    });
    // The job's max_tokens is beyond a/one's limit: a/one is still tried, with its own cap.
    expect(result.candidates.map((c) => [c.id, c.max_tokens])).toEqual([
      ['a/one', 1000],
      ['b/two', 8000],
      ['c/three', 8000],
    ]);
    // 100 input tokens at $1/M + 1000 (not 20 000) output tokens at $10/M
    expect(result.candidates[0].estimated_cost_usd).toBe(0.0101);
  });

  it("skips candidates whose provider's API does not take the job's image type, naming it", () => {
    const heic: ChatMessage[] = [
      {
        role: 'user',
        content: [{ type: 'image', data: 'AAAA', mime_type: 'image/heic' }],
      },
    ];
    const providers = {
      a: { kind: 'anthropic' as const },
      b: { kind: 'openai' as const },
      c: { kind: 'google' as const },
    };
    const result = plan({ messages: heic, providers });
    expect(ids(result.candidates)).toEqual(['c/three']);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        id: 'a/one',
        reason: 'unsupported_image_type',
        detail: expect.stringContaining('does not take image/heic images'),
      }),
      expect.objectContaining({ id: 'b/two', reason: 'unsupported_image_type' }),
    ]);
    // A PNG (here by URL extension) every API takes: nothing skipped.
    expect(plan({ messages: withImage, providers }).skipped).toEqual([]);
  });

  it('skips candidates lacking a capability the task requires', () => {
    const result = plan({
      task: task({ requires: ['citations'] }),
      models: models(
        model('a/one'),
        model('b/two', { capabilities: ['text', 'citations'] }),
        model('c/three'),
      ),
    });
    expect(ids(result.candidates)).toEqual(['b/two']);
    expect(result.skipped.map((s) => [s.id, s.reason])).toEqual([
      ['a/one', 'missing_capability'],
      ['c/three', 'missing_capability'],
    ]);
    expect(result.skipped[0].detail).toBe('a/one lacks citations');
  });

  it('requires tools for a job offering tools or carrying tool calls, skipping models without it', () => {
    const catalog = models(
      model('a/one', { capabilities: ['text'] }),
      model('b/two', { capabilities: ['text', 'tools'] }),
      model('c/three', { capabilities: ['text', 'tools'] }),
    );
    const tools = [{ name: 'get_weather', parameters: { type: 'object' } }];
    const offered = plan({ models: catalog, messages: text, tools });
    expect(offered.required_capabilities).toEqual(['tools']);
    expect(ids(offered.candidates)).toEqual(['b/two', 'c/three']);
    expect(offered.skipped).toEqual([
      expect.objectContaining({
        id: 'a/one',
        reason: 'missing_capability',
        detail: 'a/one lacks tools',
      }),
    ]);
    const carried = plan({
      models: catalog,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'w', arguments: {} }] },
        { role: 'tool', tool_call_id: 'c1', content: '4 C' },
      ],
    });
    expect(carried.required_capabilities).toEqual(['tools']);
    expect(plan({ models: catalog, messages: text }).required_capabilities).toEqual([]);
  });

  it('requires vision for an image part and json_schema for a json_schema response', () => {
    const catalog = models(
      model('a/one', { capabilities: ['text'] }),
      model('b/two', { capabilities: ['text', 'vision'] }),
      model('c/three', { capabilities: ['text', 'json_schema'] }),
    );
    const vision = plan({ models: catalog, messages: withImage });
    expect(ids(vision.candidates)).toEqual(['b/two']);
    expect(vision.required_capabilities).toEqual(['vision']);
    const json = plan({ models: catalog, response_format: { type: 'json_schema', schema: {} } });
    expect(ids(json.candidates)).toEqual(['c/three']);
    expect(json.skipped.map((s) => s.reason)).toEqual(['missing_capability', 'missing_capability']);
  });

  it('skips candidates whose context window the input does not fit', () => {
    const result = plan({
      models: models(
        model('a/one', { context_window: 99 }),
        model('b/two', { context_window: 100 }),
        model('c/three'),
      ),
    });
    expect(ids(result.candidates)).toEqual(['b/two', 'c/three']);
    expect(result.skipped[0]).toMatchObject({ id: 'a/one', reason: 'context_window' });
    expect(result.skipped[0].detail).toContain(
      '100 input tokens exceed the 99-token context window',
    );
  });

  it('skips candidates whose estimate exceeds what is left of the job budget', () => {
    const result = plan({
      max_tokens: 1000,
      remaining_cost_usd: 0.0101,
      models: models(
        model('a/one', { price: { input_per_mtok: 1, output_per_mtok: 20 } }),
        model('b/two'),
        model('c/three', { price: { input_per_mtok: 0, output_per_mtok: 1 } }),
      ),
    });
    expect(ids(result.candidates)).toEqual(['b/two', 'c/three']);
    expect(result.skipped).toEqual([
      {
        provider: 'a',
        model: 'one',
        id: 'a/one',
        reason: 'over_budget',
        detail: "estimated $0.0201 exceeds the $0.0101 left of the job's budget",
      },
    ]);
  });

  it('uses the task max_tokens, else the model cap bounded at 4096, for the budget check', () => {
    const tight = { remaining_cost_usd: 0.02, messages: [] as ChatMessage[] };
    // 4096 tokens at $10/M = 0.04096 > 0.02
    expect(plan(tight).skipped.map((s) => s.reason)).toEqual([
      'over_budget',
      'over_budget',
      'over_budget',
    ]);
    // task says 1000 tokens: 0.01 fits
    expect(ids(plan({ ...tight, task: task({ max_tokens: 1000 }) }).candidates)).toHaveLength(3);
    // model cap 1500 below 4096: 0.015 fits
    const capped = models(
      model('a/one', { max_output_tokens: 1500 }),
      model('b/two'),
      model('c/three'),
    );
    expect(ids(plan({ ...tight, models: capped }).candidates)).toEqual(['a/one']);
  });

  it("skips candidates today's remaining task budget cannot pay, and keeps cheaper ones", () => {
    const cheap = model('b/two', { price: { input_per_mtok: 0.1, output_per_mtok: 1 } });
    const result = plan({
      max_tokens: 1000,
      models: models(model('a/one'), cheap, model('c/three')),
      // a/one and c/three estimate $0.0101, b/two $0.00101; $0.005 is left unspent
      daily_budget: { limit_usd: 0.01, spent_usd: 0.005, reserved_usd: 0 },
    });
    expect(ids(result.candidates)).toEqual(['b/two']);
    expect(result.skipped.map((s) => [s.id, s.reason])).toEqual([
      ['a/one', 'budget_exhausted'],
      ['c/three', 'budget_exhausted'],
    ]);
    expect(result.skipped[0].detail).toBe(
      "estimated $0.0101 exceeds the $0.005 left of today's budget of task chat",
    );
  });

  it('does not count reservations of calls in flight as spent when gating on the daily budget', () => {
    const result = plan({
      max_tokens: 1000,
      // $0.0101 fits the $0.02 unspent, though reservations hold all of it right now
      daily_budget: { limit_usd: 0.03, spent_usd: 0.01, reserved_usd: 0.02 },
    });
    expect(ids(result.candidates)).toEqual(['a/one', 'b/two', 'c/three']);
  });

  it('skips candidates whose circuit is open', () => {
    const result = plan({ isCircuitOpen: (key) => key === 'b' });
    expect(ids(result.candidates)).toEqual(['a/one', 'c/three']);
    expect(result.skipped).toEqual([
      {
        provider: 'b',
        model: 'two',
        id: 'b/two',
        reason: 'circuit_open',
        detail: 'the circuit for b/two is open',
      },
    ]);
  });

  it('skips candidates whose provider a 429 paused for longer than the job can wait', () => {
    const waits: Record<string, number> = { a: 60_000, b: 2_000 };
    const result = plan({ remaining_ms: 30_000, providerWaitMs: (p) => waits[p] });
    expect(ids(result.candidates)).toEqual(['b/two', 'c/three']);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        id: 'a/one',
        reason: 'rate_limited',
        detail: expect.stringMatching(
          /^a takes no new call for about 60 s .* longer than the 30000 ms/,
        ),
      }),
    ]);
    // Without a deadline any pause can be waited out.
    expect(plan({ providerWaitMs: (p) => waits[p] }).skipped).toEqual([]);
  });

  it('moves candidates slower than the time left behind those that fit, without removing them', () => {
    const p95: Record<string, number> = { 'a/one': 9000, 'b/two': 500, 'c/three': 7000 };
    const result = plan({ remaining_ms: 5000, p95LatencyMs: (id) => p95[id] });
    expect(ids(result.candidates)).toEqual(['b/two', 'a/one', 'c/three']);
    expect(result.candidates[0].reason).toBeUndefined();
    expect(result.candidates[1].reason).toContain('p95 latency 9000 ms exceeds the 5000 ms left');
    expect(result.candidates[1].p95_latency_ms).toBe(9000);
  });

  it('leaves the order alone when latency is unknown or there is no deadline', () => {
    expect(ids(plan({ remaining_ms: 10, p95LatencyMs: () => undefined }).candidates)).toEqual([
      'a/one',
      'b/two',
      'c/three',
    ]);
    expect(ids(plan({ p95LatencyMs: () => 60_000 }).candidates)).toEqual([
      'a/one',
      'b/two',
      'c/three',
    ]);
  });

  it('skips a chain entry that is missing from the models', () => {
    const result = plan({ models: models(model('a/one'), model('c/three')) });
    expect(result.skipped).toEqual([
      {
        provider: 'b',
        model: 'two',
        id: 'b/two',
        reason: 'unknown_model',
        detail: 'b/two is not in the routing table',
      },
    ]);
  });

  it('returns no candidates when every one is ruled out', () => {
    const result = plan({ isCircuitOpen: () => true });
    expect(result.candidates).toEqual([]);
    expect(result.skipped).toHaveLength(3);
    expect(result.max_tokens).toBe(4096);
  });
});

describe('planJob: the job route (rules and splits)', () => {
  it('names no rule and no split when the job has no route', () => {
    expect(plan()).toMatchObject({ rule: null, split: null });
  });

  it('records the rule and split, and skips the providers the rule excludes, saying why', () => {
    const result = plan({
      route: { rule: 'no-b', split: 'one@90', exclude_providers: ['b'] },
    });
    expect(result).toMatchObject({ rule: 'no-b', split: 'one@90' });
    expect(ids(result.candidates)).toEqual(['a/one', 'c/three']);
    expect(result.skipped).toEqual([
      {
        provider: 'b',
        model: 'two',
        id: 'b/two',
        reason: 'excluded_provider',
        detail: 'rule "no-b" excludes provider b',
      },
    ]);
  });
});
