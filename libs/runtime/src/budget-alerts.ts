import { Injectable, Logger } from '@nestjs/common';
import type { TaskConfig } from '@switchyard/routing';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { WebhookPublisher } from '@switchyard/webhooks';

/**
 * `budget.alert`: the daily spend store says exactly once per task, tenant and UTC day that spend crossed
 * alert_at; this turns that into a log line, a metric and the operator's alert webhook.
 */
@Injectable()
export class BudgetAlerts {
  private readonly logger = new Logger('BudgetAlerts');

  constructor(
    private readonly metrics: SwitchyardMetrics,
    private readonly webhooks: WebhookPublisher,
  ) {}

  /** `day`: the UTC day the crossing spend belongs to (its reservation's), not the clock's today. */
  fire(task: TaskConfig, day: string, tenant: string): void {
    const data = {
      task: task.name,
      tenant,
      day,
      daily_usd: task.budget.daily_usd,
      alert_at: task.budget.alert_at,
    };
    this.metrics.budgetAlert(task.name);
    this.logger.warn(
      `budget.alert: task ${task.name} crossed ${task.budget.alert_at * 100}% of $${task.budget.daily_usd} on ${day} for tenant ${tenant}`,
    );
    void this.webhooks
      // Once per task, tenant and day: each tenant has the task's daily budget to itself.
      .publishAlert('budget.alert', data, `${task.name}:${encodeURIComponent(tenant)}:${day}`)
      .catch((err: Error) => this.logger.warn(`budget.alert webhook not queued: ${err.message}`));
  }
}
