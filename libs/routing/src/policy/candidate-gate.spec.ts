import type { ChatMessage } from '@switchyard/providers';
import type { RoutingTable } from '../routing-table.types';
import { model } from '../testing/plan-fixtures';
import { candidateVerdict, dailyBudgetSkip, type GateContext } from './candidate-gate';

const one = { provider: 'a', model: 'one', estimated_cost_usd: 0.01 };
const text: ChatMessage[] = [{ role: 'user', content: 'hi' }];
const table: Pick<RoutingTable, 'models' | 'providers'> = {
  models: { 'a/one': model('a/one') },
  providers: { a: { name: 'a', kind: 'openai' } as RoutingTable['providers'][string] },
};
const reasonOf = (ctx: GateContext, candidate = one) => {
  const verdict = candidateVerdict(candidate, ctx);
  return verdict.ok ? 'ok' : verdict.reason;
};

describe('candidateVerdict', () => {
  it('lets a candidate through when no input rules it out, and checks nothing it was not given', () => {
    expect(candidateVerdict(one, {})).toEqual({ ok: true });
    expect(reasonOf({ table, remainingMs: 1000, remainingCostUsd: 1 })).toBe('ok');
  });

  it('passes over a candidate the table in force no longer has (model or provider)', () => {
    expect(candidateVerdict({ ...one, model: 'gone' }, { table })).toEqual({
      ok: false,
      reason: 'route_removed',
      detail: 'a/gone is no longer in the routing table',
    });
    expect(reasonOf({ table: { ...table, providers: {} } })).toBe('route_removed');
  });

  it("applies the tenant's provider lists and the rule's excluded providers", () => {
    expect(reasonOf({ tenant: { name: 't', denied_providers: ['a'] } })).toBe(
      'provider_not_allowed',
    );
    expect(reasonOf({ tenant: { name: 't', allowed_providers: ['b'] } })).toBe(
      'provider_not_allowed',
    );
    expect(reasonOf({ route: { rule: 'big', exclude_providers: ['a'] } })).toBe(
      'excluded_provider',
    );
  });

  it('checks the fit to the input only where the input is known', () => {
    const fit = { model: model('a/one'), required: [], inputTokens: 10, messages: text };
    expect(reasonOf({ fit })).toBe('ok');
    expect(reasonOf({ fit: { ...fit, required: ['tools' as const] } })).toBe('missing_capability');
    expect(reasonOf({ fit: { ...fit, inputTokens: 1_000_000 } })).toBe('context_window');
    const heic: ChatMessage[] = [
      { role: 'user', content: [{ type: 'image', url: 'https://x/y.heic' }] },
    ];
    expect(reasonOf({ fit: { ...fit, messages: heic, providerKind: 'anthropic' } })).toBe(
      'unsupported_image_type',
    );
    expect(reasonOf({ fit: { ...fit, messages: heic, providerKind: 'google' } })).toBe('ok');
  });

  it('refuses a candidate once the deadline has passed', () => {
    expect(reasonOf({ remainingMs: 0 })).toBe('deadline_exceeded');
    expect(reasonOf({ remainingMs: 1 })).toBe('ok');
  });

  it("passes over a candidate what is left of the job's budget cannot pay", () => {
    expect(candidateVerdict(one, { remainingCostUsd: 0.005 })).toEqual({
      ok: false,
      reason: 'over_budget',
      detail: "estimated $0.01 exceeds the $0.005 left of the job's budget",
    });
    expect(reasonOf({ remainingCostUsd: 0.01 })).toBe('ok');
  });

  it("passes over a candidate today's task or tenant budget cannot pay, not one reservations hold", () => {
    const spent = { limit_usd: 1, spent_usd: 0.995, reserved_usd: 0 };
    const held = { limit_usd: 1, spent_usd: 0.5, reserved_usd: 0.5 };
    expect(candidateVerdict(one, { task: 'chat', dailyBudget: spent })).toEqual({
      ok: false,
      reason: 'budget_exhausted',
      detail: "estimated $0.01 exceeds the $0.005 left of today's budget of task chat",
    });
    expect(reasonOf({ dailyBudget: held })).toBe('ok');
    expect(
      candidateVerdict(one, { tenant: { name: 't' }, tenantDailyBudget: spent }),
    ).toMatchObject({ reason: 'budget_exhausted', detail: expect.stringMatching(/of tenant t$/) });
  });

  it("passes over a candidate whose provider's or model's circuit is open", () => {
    expect(reasonOf({ isCircuitOpen: (key) => key === 'a' })).toBe('circuit_open');
    expect(reasonOf({ isCircuitOpen: (key) => key === 'a/one' })).toBe('circuit_open');
    expect(reasonOf({ isCircuitOpen: (key) => key === 'b' })).toBe('ok');
  });

  it('passes over a provider that takes no new call before the deadline, not one that does', () => {
    expect(reasonOf({ remainingMs: 30_000, providerWaitMs: () => 30_000 })).toBe('rate_limited');
    expect(reasonOf({ remainingMs: 30_000, providerWaitMs: () => 29_999 })).toBe('ok');
    // Without a deadline any wait can be waited out.
    expect(reasonOf({ providerWaitMs: () => 60_000 })).toBe('ok');
  });

  it('reports the first check that applies, in the documented order', () => {
    const everything: GateContext = {
      table: { ...table, models: {} },
      tenant: { name: 't', denied_providers: ['a'] },
      remainingMs: 0,
      remainingCostUsd: 0,
      isCircuitOpen: () => true,
    };
    expect(reasonOf(everything)).toBe('route_removed');
    expect(reasonOf({ ...everything, table })).toBe('provider_not_allowed');
    expect(reasonOf({ ...everything, table, tenant: undefined })).toBe('deadline_exceeded');
    expect(reasonOf({ ...everything, table, tenant: undefined, remainingMs: 1 })).toBe(
      'over_budget',
    );
    expect(
      reasonOf({ ...everything, table, tenant: undefined, remainingMs: 1, remainingCostUsd: 1 }),
    ).toBe('circuit_open');
  });
});

describe('dailyBudgetSkip', () => {
  it("names whose day refused the estimate (the worker's reservation refusal)", () => {
    const day = { limit_usd: 0.02, spent_usd: 0.015, reserved_usd: 0 };
    expect(dailyBudgetSkip(0.01, day, 'tenant acme')).toEqual({
      ok: false,
      reason: 'budget_exhausted',
      detail: "estimated $0.01 exceeds the $0.005 left of today's budget of tenant acme",
    });
    expect(dailyBudgetSkip(0.005, day, 'tenant acme')).toEqual({ ok: true });
  });
});
