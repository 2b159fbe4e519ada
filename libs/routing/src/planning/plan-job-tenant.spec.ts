import type { ChatMessage } from '@switchyard/providers';
import type { ModelConfig } from '../routing-table.types';
import { planJob } from './plan-job';
import { model, task } from '../testing/plan-fixtures';
import type { PlanInput } from './plan.types';

const text: ChatMessage[] = [{ role: 'user', content: 'x'.repeat(400) }]; // 100 tokens
const models: Record<string, ModelConfig> = Object.fromEntries(
  [
    model('a/one'),
    model('b/two', { price: { input_per_mtok: 0.1, output_per_mtok: 1 } }),
    model('c/three'),
  ].map((m) => [m.id, m]),
);
const plan = (overrides: Partial<PlanInput>) =>
  planJob({ task: task(), models, messages: text, max_tokens: 1000, ...overrides });
const reasons = (list: Array<{ id: string; reason: string }>) => list.map((s) => [s.id, s.reason]);

describe('planJob: the tenant gates', () => {
  it('drops every provider outside allowed_providers, saying why', () => {
    const result = plan({ tenant: { name: 'acme', allowed_providers: ['b'] } });
    expect(result.candidates.map((c) => c.id)).toEqual(['b/two']);
    expect(reasons(result.skipped)).toEqual([
      ['a/one', 'provider_not_allowed'],
      ['c/three', 'provider_not_allowed'],
    ]);
    expect(result.skipped[0].detail).toBe('tenant acme may use only b (allowed_providers), not a');
  });

  it('drops the providers in denied_providers', () => {
    const result = plan({ tenant: { name: 'acme', denied_providers: ['a', 'c'] } });
    expect(result.candidates.map((c) => c.id)).toEqual(['b/two']);
    expect(result.skipped[1].detail).toBe('tenant acme may not use c (denied_providers)');
  });

  it('leaves no candidate when the tenant may use none of the chain', () => {
    const result = plan({ tenant: { name: 'acme', allowed_providers: ['z'] } });
    expect(result.candidates).toEqual([]);
    expect(result.skipped.every((s) => s.reason === 'provider_not_allowed')).toBe(true);
  });

  it("skips what today's remaining tenant budget cannot pay, as it does for the task's", () => {
    // a/one and c/three estimate $0.0101, b/two $0.00101; $0.005 of the tenant's day is unspent
    const result = plan({
      tenant: { name: 'acme', daily_usd: 0.01 },
      tenant_daily_budget: { limit_usd: 0.01, spent_usd: 0.005, reserved_usd: 0.004 },
    });
    expect(result.candidates.map((c) => c.id)).toEqual(['b/two']);
    expect(reasons(result.skipped)).toEqual([
      ['a/one', 'budget_exhausted'],
      ['c/three', 'budget_exhausted'],
    ]);
    expect(result.skipped[0].detail).toBe(
      "estimated $0.0101 exceeds the $0.005 left of today's budget of tenant acme",
    );
  });

  it('needs both the task and the tenant day to pay a candidate', () => {
    const result = plan({
      daily_budget: { limit_usd: 1, spent_usd: 0, reserved_usd: 0 },
      tenant_daily_budget: { limit_usd: 0.001, spent_usd: 0, reserved_usd: 0 },
    });
    expect(result.candidates).toEqual([]);
  });
});
