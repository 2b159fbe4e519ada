import { Inject, Injectable } from '@nestjs/common';
import type { AttemptError } from '@switchyard/redis';
import { dailyBudgetSkip, type TaskConfig, type TenantConfig } from '@switchyard/routing';
import { DailySpendStore } from '@switchyard/routing-state';
import { BudgetAlerts } from '@switchyard/runtime';
import { SwitchyardMetrics } from '@switchyard/telemetry';

export type BudgetReservation =
  | { kind: 'none' }
  | { kind: 'reserved'; reservationId: string }
  | { kind: 'refused'; error: AttemptError };

/** First wait for reservations of calls in flight to settle, then up to this, doubling. */
const FIRST_WAIT_MS = 50;
const LONGEST_WAIT_MS = 500;

/**
 * Reserves a candidate's estimate against the task's daily budget (the tenant's share of it) and
 * the tenant's own daily budget, both in one atomic step, before its call. A refusal for
 * good by either (what is not spent today cannot pay it) comes back as a `budget_exhausted` attempt error
 * for the router, which moves on to a candidate the day can still pay. A refusal only because calls
 * in flight hold worst-case reservations is waited out: those settle within seconds, mostly for
 * far less, so the job is never failed for them; at its deadline it is handed on as
 * `deadline_exceeded`.
 */
@Injectable()
export class DailyBudgetReservation {
  constructor(
    private readonly spend: DailySpendStore,
    private readonly budgetAlerts: BudgetAlerts,
    @Inject(SwitchyardMetrics) private readonly metrics: SwitchyardMetrics,
  ) {}

  /**
   * Replaces the reservation with what the call really cost; alerts once the task's day, or the
   * tenant's day over all its tasks, crosses its alert_at.
   */
  async settle(
    scope: { task: TaskConfig; tenant: TenantConfig },
    reservationId: string,
    costUsd: number,
  ): Promise<void> {
    const { task, tenant } = scope;
    const settled = await this.spend.settle(
      { task: task.name, tenant: tenant.name },
      reservationId,
      costUsd,
    );
    this.metrics.setBudgetSpent(task.name, settled.spent_usd, tenant.name);
    if (settled.alert) this.budgetAlerts.fire(task, settled.day, tenant.name);
    if (settled.tenant.alert) this.budgetAlerts.fireTenant(tenant, settled.day);
  }

  async reserve(
    task: TaskConfig,
    tenant: TenantConfig,
    estimateUsd: number,
    deadlineAt: number,
  ): Promise<BudgetReservation> {
    if (task.budget.daily_usd === undefined && tenant.daily_usd === undefined) {
      return { kind: 'none' };
    }
    const scope = { task: task.name, tenant: tenant.name };
    const limits = {
      task: task.budget,
      tenant: { daily_usd: tenant.daily_usd, alert_at: tenant.alert_at },
    };
    let waitMs = FIRST_WAIT_MS;
    for (;;) {
      const reserved = await this.spend.reserve(scope, estimateUsd, limits);
      if (reserved.ok) return { kind: 'reserved', reservationId: reserved.reservationId };
      const day = {
        limit_usd: reserved.limit,
        spent_usd: reserved.spent,
        reserved_usd: reserved.reserved,
      };
      const whose =
        reserved.refused_by === 'tenant' ? `tenant ${tenant.name}` : `task ${task.name}`;
      // The candidate gate's own budget check, on the day as the spend store saw it.
      const verdict = dailyBudgetSkip(estimateUsd, day, whose);
      if (!verdict.ok) {
        return { kind: 'refused', error: { type: verdict.reason, message: verdict.detail } };
      }
      const leftMs = deadlineAt - Date.now();
      if (leftMs <= waitMs) {
        return {
          kind: 'refused',
          error: {
            type: 'deadline_exceeded',
            message: `today's budget of ${whose} stayed held by calls in flight until the deadline`,
          },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(LONGEST_WAIT_MS, waitMs * 2);
    }
  }
}
