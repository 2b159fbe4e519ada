import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_ALERT_AT, type TaskConfig, type TenantConfig } from '@switchyard/routing';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { WebhookPublisher } from '@switchyard/webhooks';

/**
 * `budget.alert`: the daily spend store says exactly once per task, tenant and UTC day (`scope:
 * "task"`), and once per tenant and UTC day over all its tasks (`scope: "tenant"`), that settled
 * spend crossed alert_at; this turns that into a log line, a metric and the operator's alert
 * webhook.
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
      scope: 'task',
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

  /** The tenant's `daily_usd` under `tenants:`, all its tasks together. */
  fireTenant(tenant: TenantConfig, day: string): void {
    const alertAt = tenant.alert_at ?? DEFAULT_ALERT_AT;
    const data = {
      scope: 'tenant',
      tenant: tenant.name,
      day,
      daily_usd: tenant.daily_usd,
      alert_at: alertAt,
    };
    this.metrics.tenantBudgetAlert(tenant.name);
    this.logger.warn(
      `budget.alert: tenant ${tenant.name} crossed ${alertAt * 100}% of its $${tenant.daily_usd} over all tasks on ${day}`,
    );
    void this.webhooks
      // Once per tenant and day; "*" (never a task name) keeps it apart from the tenant's task alerts.
      .publishAlert('budget.alert', data, `*:${encodeURIComponent(tenant.name)}:${day}`)
      .catch((err: Error) => this.logger.warn(`budget.alert webhook not queued: ${err.message}`));
  }
}
