import { Injectable } from '@nestjs/common';
import type { AttemptError } from '@switchyard/queue';
import {
  DailySpendStore,
  dailyBudgetVerdict,
  formatUsd,
  unspentUsd,
  type TaskConfig,
} from '@switchyard/routing';

export type BudgetReservation =
  | { kind: 'none' }
  | { kind: 'reserved'; reservationId: string }
  | { kind: 'refused'; error: AttemptError };

/** First wait for reservations of calls in flight to settle, then up to this, doubling. */
const FIRST_WAIT_MS = 50;
const LONGEST_WAIT_MS = 500;

/**
 * Reserves a candidate's estimate against the task's daily budget before its call. A refusal for
 * good (what is not spent today cannot pay it) comes back as a `budget_exhausted` attempt error
 * for the router, which moves on to a candidate the day can still pay. A refusal only because calls
 * in flight hold worst-case reservations is waited out: those settle within seconds, mostly for
 * far less, so the job is never failed for them; at its deadline it is handed on as
 * `deadline_exceeded`.
 */
@Injectable()
export class DailyBudgetReservation {
  constructor(private readonly spend: DailySpendStore) {}

  async reserve(
    task: TaskConfig,
    estimateUsd: number,
    deadlineAt: number,
  ): Promise<BudgetReservation> {
    if (task.budget.daily_usd === undefined) return { kind: 'none' };
    let waitMs = FIRST_WAIT_MS;
    for (;;) {
      const reserved = await this.spend.reserve(task.name, estimateUsd, task.budget);
      if (reserved.ok) return { kind: 'reserved', reservationId: reserved.reservationId };
      const day = {
        limit_usd: reserved.limit,
        spent_usd: reserved.spent,
        reserved_usd: reserved.reserved,
      };
      if (dailyBudgetVerdict(estimateUsd, day) === 'exhausted') {
        return {
          kind: 'refused',
          error: {
            type: 'budget_exhausted',
            message: `estimated $${formatUsd(estimateUsd)} exceeds the $${formatUsd(unspentUsd(day))} left of today's budget of task ${task.name}`,
          },
        };
      }
      const leftMs = deadlineAt - Date.now();
      if (leftMs <= waitMs) {
        return {
          kind: 'refused',
          error: {
            type: 'deadline_exceeded',
            message: `today's budget of task ${task.name} stayed held by calls in flight until the deadline`,
          },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(LONGEST_WAIT_MS, waitMs * 2);
    }
  }
}
