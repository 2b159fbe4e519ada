import { dailyBudgetVerdict, unspentUsd } from './daily-budget-gate';

describe('dailyBudgetVerdict', () => {
  const day = { limit_usd: 1, spent_usd: 0.4, reserved_usd: 0.5 };

  it('fits when what is neither spent nor reserved pays the estimate', () => {
    expect(dailyBudgetVerdict(0.1, day)).toBe('fits');
    expect(dailyBudgetVerdict(0.1, { ...day, reserved_usd: 0 })).toBe('fits');
  });

  it('is held by reservations when only calls in flight stand in the way', () => {
    expect(dailyBudgetVerdict(0.2, day)).toBe('held_by_reservations');
    expect(dailyBudgetVerdict(0.6, day)).toBe('held_by_reservations');
  });

  it('is exhausted only when what is not spent cannot pay the estimate', () => {
    expect(dailyBudgetVerdict(0.600001, day)).toBe('exhausted');
    expect(dailyBudgetVerdict(0.01, { limit_usd: 1, spent_usd: 1.2, reserved_usd: 0 })).toBe(
      'exhausted',
    );
  });

  it('reports what is left once reservations settle, never below zero', () => {
    expect(unspentUsd(day)).toBe(0.6);
    expect(unspentUsd({ limit_usd: 1, spent_usd: 1.5, reserved_usd: 0 })).toBe(0);
  });
});
