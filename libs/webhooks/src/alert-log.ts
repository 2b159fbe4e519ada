import type Redis from 'ioredis';
import type { AlertWebhookEventType } from './webhook-event';

/** How many alerts the log keeps (the console shows the latest few). */
export const ALERT_LOG_SIZE = 200;

export interface LoggedAlert {
  type: AlertWebhookEventType;
  /** The event id the alert was published with (`task:day`, ...): one entry per id */
  id: string;
  at: string;
  data: unknown;
}

/**
 * The operator alerts (`budget.alert`, `regression.detected`) as they were raised, newest first,
 * whether or not an alert webhook is configured: what the console's overview lists.
 */
export class AlertLog {
  private readonly order: string;
  private readonly bodies: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.order = `${prefix}:alerts`;
    this.bodies = `${prefix}:alerts:data`;
  }

  async record(
    type: AlertWebhookEventType,
    id: string,
    data: unknown,
    now = new Date(),
  ): Promise<void> {
    const member = `${type}|${id}`;
    const body = JSON.stringify({ type, id, at: now.toISOString(), data });
    // NX on both: an alert raised twice (two processes, a retry) keeps its first time.
    const [[, added]] = ((await this.redis
      .multi()
      .zadd(this.order, 'NX', now.getTime(), member)
      .hsetnx(this.bodies, member, body)
      .exec()) ?? [[null, 0]]) as Array<[Error | null, unknown]>;
    if (Number(added) === 0) return;
    const overflow = await this.redis.zrange(this.order, 0, -(ALERT_LOG_SIZE + 1));
    if (overflow.length > 0) {
      await this.redis
        .multi()
        .zrem(this.order, ...overflow)
        .hdel(this.bodies, ...overflow)
        .exec();
    }
  }

  /** The newest `limit` alerts; with `tenant`, only those it may see (alertVisibleTo). */
  async latest(limit: number, tenant?: string): Promise<LoggedAlert[]> {
    // Filtering reads the whole (bounded) log: a page of another tenant's alerts must not hide
    // the caller's older ones.
    const members = await this.redis.zrevrange(
      this.order,
      0,
      (tenant ? ALERT_LOG_SIZE : limit) - 1,
    );
    if (members.length === 0) return [];
    const bodies = await this.redis.hmget(this.bodies, ...members);
    const alerts = bodies
      .filter((b): b is string => b !== null)
      .map((b) => JSON.parse(b) as LoggedAlert);
    return tenant === undefined
      ? alerts
      : alerts.filter((a) => alertVisibleTo(a, tenant)).slice(0, limit);
  }
}

/**
 * Whether a tenant may see an alert: a `budget.alert` names one tenant's spend (a task's day for
 * that tenant, or the tenant's own day) and is that tenant's alone; the others (a model revision's
 * regression, an evaluation run's) are about the shared routing table and everyone's.
 */
export function alertVisibleTo(alert: Pick<LoggedAlert, 'type' | 'data'>, tenant: string): boolean {
  if (alert.type !== 'budget.alert') return true;
  const data = alert.data as { tenant?: unknown } | null;
  return data?.tenant === tenant;
}
