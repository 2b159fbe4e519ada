import { effectiveBudget, validateJobBudget } from './job-budget';

const task = { budget: { max_cost_usd: 0.05, latency_ms: 30_000, alert_at: 0.8 } };

describe('job budgets', () => {
  it('takes the smaller of task and job on each axis', () => {
    expect(effectiveBudget(task)).toEqual({ max_cost_usd: 0.05, deadline_ms: 30_000 });
    expect(effectiveBudget(task, { max_cost_usd: 0.01 })).toEqual({
      max_cost_usd: 0.01,
      deadline_ms: 30_000,
    });
    expect(effectiveBudget(task, { max_cost_usd: 1, deadline_ms: 5000 })).toEqual({
      max_cost_usd: 0.05,
      deadline_ms: 5000,
    });
    expect(effectiveBudget({ budget: { alert_at: 0.8 } }, { deadline_ms: 100 })).toEqual({
      deadline_ms: 100,
    });
    expect(effectiveBudget({ budget: { alert_at: 0.8 } })).toEqual({});
  });

  it('accepts a job budget that only tightens', () => {
    expect(validateJobBudget(task, { max_cost_usd: 0.05, deadline_ms: 1000 })).toEqual([]);
    expect(validateJobBudget(task, undefined)).toEqual([]);
    expect(validateJobBudget({ budget: { alert_at: 0.8 } }, { max_cost_usd: 100 })).toEqual([]);
  });

  it('reports each field that tries to loosen the task budget', () => {
    expect(validateJobBudget(task, { max_cost_usd: 0.06, deadline_ms: 60_000 })).toEqual([
      {
        field: 'budget.max_cost_usd',
        problem: "may only tighten the task's budget (task allows 0.05)",
      },
      {
        field: 'budget.deadline_ms',
        problem: "may only tighten the task's budget (task allows 30000)",
      },
    ]);
  });

  it('reports non-positive values', () => {
    expect(validateJobBudget(task, { max_cost_usd: 0, deadline_ms: -1 })).toEqual([
      { field: 'budget.max_cost_usd', problem: 'must be a positive number' },
      { field: 'budget.deadline_ms', problem: 'must be a positive number' },
    ]);
  });
});
