import type Redis from 'ioredis';
import type { AlertWebhookEventType } from './webhook-event';

/** How many alerts each list of the log keeps (the console shows the latest few). */
export const ALERT_LOG_SIZE = 200;

export interface LoggedAlert {
  type: AlertWebhookEventType;
  /** The event id the alert was published with (`task:day`, ...): one entry per id */
  id: string;
  at: string;
  data: unknown;
}

/** Who an alert is for: one tenant, everyone, or (a budget alert naming no tenant) no tenant. */
export type AlertScope = { tenant: string } | 'shared' | 'none';

/**
 * A `budget.alert` names one tenant's spend (a task's day for that tenant, or the tenant's own
 * day) and is that tenant's alone; the others (a model revision's regression, an evaluation
 * run's) are about the shared routing table and everyone's.
 */
export function alertScope(alert: Pick<LoggedAlert, 'type' | 'data'>): AlertScope {
  if (alert.type !== 'budget.alert') return 'shared';
  const tenant = (alert.data as { tenant?: unknown } | null)?.tenant;
  return typeof tenant === 'string' ? { tenant } : 'none';
}

/** Whether a tenant may see an alert (see alertScope). */
export function alertVisibleTo(alert: Pick<LoggedAlert, 'type' | 'data'>, tenant: string): boolean {
  const scope = alertScope(alert);
  return scope === 'shared' || (scope !== 'none' && scope.tenant === tenant);
}

/** One bounded list of alerts, newest first: a sorted set of members and their bodies. */
class BoundedAlertList {
  private readonly bodies: string;

  constructor(
    private readonly redis: Redis,
    private readonly order: string,
  ) {
    this.bodies = `${order}:data`;
  }

  async add(member: string, at: Date, body: string): Promise<void> {
    // NX on both: an alert raised twice (two processes, a retry) keeps its first time.
    const [[, added]] = ((await this.redis
      .multi()
      .zadd(this.order, 'NX', at.getTime(), member)
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

  async newest(limit: number): Promise<LoggedAlert[]> {
    const members = await this.redis.zrevrange(this.order, 0, limit - 1);
    if (members.length === 0) return [];
    const bodies = await this.redis.hmget(this.bodies, ...members);
    return bodies.filter((b): b is string => b !== null).map((b) => JSON.parse(b) as LoggedAlert);
  }
}

/**
 * The operator alerts (`budget.alert`, `regression.detected`, ...) as they were raised, newest
 * first, whether or not an alert webhook is configured: what the console's overview and
 * `GET /v1/alerts` list. Every alert goes to the list of all, and to its scope's: the shared
 * list or its tenant's. A tenant's view reads those two, so however many alerts other tenants
 * raise, its own are not pushed out of it.
 */
export class AlertLog {
  private readonly all: BoundedAlertList;
  private readonly shared: BoundedAlertList;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.all = new BoundedAlertList(redis, `${prefix}:alerts`);
    this.shared = new BoundedAlertList(redis, `${prefix}:alerts:shared`);
  }

  async record(
    type: AlertWebhookEventType,
    id: string,
    data: unknown,
    now = new Date(),
  ): Promise<void> {
    const member = `${type}|${id}`;
    const body = JSON.stringify({ type, id, at: now.toISOString(), data });
    const scoped = this.scopeList(alertScope({ type, data }));
    // Each list on its own, NX: a record cut short between the two is completed by a retry.
    await Promise.all([this.all.add(member, now, body), scoped?.add(member, now, body)]);
  }

  /** The newest `limit` alerts; with `tenant`, only those it may see (alertVisibleTo). */
  async latest(limit: number, tenant?: string): Promise<LoggedAlert[]> {
    if (tenant === undefined) return this.all.newest(limit);
    const [shared, own] = await Promise.all([
      this.shared.newest(limit),
      this.tenantList(tenant).newest(limit),
    ]);
    return [...shared, ...own]
      .sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  private scopeList(scope: AlertScope): BoundedAlertList | undefined {
    if (scope === 'none') return undefined;
    return scope === 'shared' ? this.shared : this.tenantList(scope.tenant);
  }

  private tenantList(tenant: string): BoundedAlertList {
    return new BoundedAlertList(this.redis, `${this.prefix}:alerts:tenant:${tenant}`);
  }
}
