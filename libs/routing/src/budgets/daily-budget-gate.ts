import { toMicroUsd } from './micro-usd';

/** A task's day as the daily budget gate sees it (USD). */
export interface DailyBudgetState {
  limit_usd: number;
  /** Settled: what calls really cost */
  spent_usd: number;
  /** Held by calls in flight at their worst case; mostly handed back when they settle */
  reserved_usd: number;
}

/**
 * Whether today's budget can pay a candidate's estimate:
 * - `fits`: it can, now;
 * - `held_by_reservations`: it cannot only because calls in flight hold worst-case reservations,
 *   which settle within seconds for less: worth waiting for, never a reason to fail a job;
 * - `exhausted`: even once every reservation is settled at zero, what is left of the day cannot pay.
 */
export type DailyBudgetVerdict = 'fits' | 'held_by_reservations' | 'exhausted';

/**
 * How long a caller refused only because of reservations should wait before asking again:
 * reservations are settled as soon as the calls holding them answer.
 */
export const RESERVATION_RETRY_AFTER_S = 2;

/** Pure; compares in integer micro-USD, as the spend store reserves. */
export function dailyBudgetVerdict(estimateUsd: number, day: DailyBudgetState): DailyBudgetVerdict {
  const estimate = toMicroUsd(Math.max(0, estimateUsd));
  const unspent = toMicroUsd(day.limit_usd) - toMicroUsd(day.spent_usd);
  if (estimate > unspent) return 'exhausted';
  if (estimate > unspent - toMicroUsd(day.reserved_usd)) return 'held_by_reservations';
  return 'fits';
}

/** What is left of the day once every open reservation is settled at zero (never negative). */
export function unspentUsd(day: DailyBudgetState): number {
  return Math.max(0, (toMicroUsd(day.limit_usd) - toMicroUsd(day.spent_usd)) / 1_000_000);
}
