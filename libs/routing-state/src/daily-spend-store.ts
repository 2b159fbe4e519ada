import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { DEFAULT_ALERT_AT } from '@switchyard/routing';
import {
  RELEASE_SCRIPT,
  RESERVE_SCRIPT,
  SETTLE_SCRIPT,
  SNAPSHOT_SCRIPT,
} from './daily-spend-scripts';
import type {
  DailyLimit,
  DailySpendSnapshot,
  DailySpendStoreOptions,
  ExhaustionState,
  ReleaseResult,
  ReserveResult,
  SettleResult,
  SpendLimits,
  SpendScope,
  TenantSpendSnapshot,
} from '@switchyard/routing';
import { fromMicroUsd, toMicroUsd } from '@switchyard/routing';
import { DAY_MS, dayEnd, isUtcDay, utcDay } from '@switchyard/routing';

const RESERVATION_ID = /^(\d{4}-\d{2}-\d{2})\.(\d+)\.[0-9a-f]+$/;
const NO_LIMIT = -1;

/**
 * Per-UTC-day spend in Redis, shared by every worker, on two ledgers at once: the task's day for
 * one tenant (the task's `daily_usd` is each tenant's, so one tenant cannot spend another's), and
 * the tenant's day over all its tasks (its `daily_usd` under `tenants:`). A call reserves its
 * estimated cost on both first (refused atomically if either limit would be crossed), then settles
 * both with the real cost or releases the reservation if the call never happened.
 *
 * Reservations expire (reservationTtlMs) so a worker that dies mid-call cannot hold budget
 * forever; a settle that arrives after expiry still bills the real cost. A reservation is billed
 * to the day it was made on, even if settled after midnight, and so is the alert its settle may
 * raise (alerts look at settled spend, never at reservations). Settling is idempotent per
 * reservation id. Keys: `<prefix>:spend:tenant:<tenant>:task:<task>:<YYYY-MM-DD>` and
 * `<prefix>:spend:tenant:<tenant>:<YYYY-MM-DD>` (totals), each with `:reservations` and
 * `:settled` beside it.
 */
export class DailySpendStore {
  private readonly reservationTtlMs: number;
  private readonly retainMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: DailySpendStoreOptions = {},
  ) {
    this.reservationTtlMs = options.reservationTtlMs ?? 15 * 60_000;
    this.retainMs = (options.retainDaysAfter ?? 2) * DAY_MS;
  }

  /** `limits.task`: the task's limit (a USD amount or its budget); `limits.tenant`: the tenant's. */
  async reserve(
    scope: SpendScope,
    amountUsd: number,
    limits: SpendLimits,
    now: Date = new Date(),
  ): Promise<ReserveResult> {
    const day = utcDay(now);
    const amount = toMicroUsd(amountUsd);
    const task = limitsOf(limits.task);
    const tenant = limitsOf(limits.tenant);
    const reservationId = `${day}.${amount}.${randomBytes(8).toString('hex')}`;
    const reply = await RESERVE_SCRIPT.run(this.redis, {
      keys: this.bothLedgers(scope, day),
      args: {
        now: now.getTime(),
        id: reservationId,
        amount,
        expires_at: now.getTime() + this.reservationTtlMs,
        keep_until: this.keepUntil(day),
        task_limit: task.limitMicro,
        task_alert_threshold: task.thresholdMicro,
        tenant_limit: tenant.limitMicro,
        tenant_alert_threshold: tenant.thresholdMicro,
      },
    });
    const [ok, ledger, spent, reserved] = numbers(reply);
    if (ok === 1) return { ok: true, reservationId };
    const refusedBy = ledger === 2 ? 'tenant' : 'task';
    return {
      ok: false,
      refused_by: refusedBy,
      spent: fromMicroUsd(spent),
      reserved: fromMicroUsd(reserved),
      limit: fromMicroUsd(refusedBy === 'tenant' ? tenant.limitMicro : task.limitMicro),
      resets_at: dayEnd(day).toISOString(),
    };
  }

  async settle(
    scope: SpendScope,
    reservationId: string,
    actualUsd: number,
    now: Date = new Date(),
  ): Promise<SettleResult> {
    const day = dayOfReservation(reservationId);
    const reply = await SETTLE_SCRIPT.run(this.redis, {
      keys: this.bothLedgers(scope, day),
      args: {
        now: now.getTime(),
        id: reservationId,
        actual: toMicroUsd(actualUsd),
        keep_until: this.keepUntil(day),
      },
    });
    const [settled, spent, reserved, alert, , tenantSpent, tenantReserved, tenantAlert] =
      numbers(reply);
    return {
      settled: settled === 1,
      alert: alert === 1,
      day,
      spent_usd: fromMicroUsd(spent),
      reserved_usd: fromMicroUsd(reserved),
      tenant: {
        spent_usd: fromMicroUsd(tenantSpent),
        reserved_usd: fromMicroUsd(tenantReserved),
        alert: tenantAlert === 1,
      },
    };
  }

  async release(
    scope: SpendScope,
    reservationId: string,
    now: Date = new Date(),
  ): Promise<ReleaseResult> {
    const day = dayOfReservation(reservationId);
    const reply = await RELEASE_SCRIPT.run(this.redis, {
      keys: this.bothLedgers(scope, day),
      args: { now: now.getTime(), id: reservationId },
    });
    return { released: numbers(reply)[0] === 1 };
  }

  /**
   * Whether nothing is left of today's task limit for this tenant, with when the limit resets.
   * Without a limit a task is never exhausted.
   */
  async isExhausted(
    scope: SpendScope,
    limit: DailyLimit,
    now: Date = new Date(),
  ): Promise<ExhaustionState> {
    const day = utcDay(now);
    const resetsAt = dayEnd(day).toISOString();
    const { limitMicro } = limitsOf(limit);
    if (limitMicro === NO_LIMIT) return { exhausted: false, resets_at: resetsAt };
    const [spent, reserved] = numbers(
      await SNAPSHOT_SCRIPT.run(this.redis, {
        keys: this.ledgers(scope, day).task,
        args: { now: now.getTime() },
      }),
    );
    return { exhausted: spent + reserved >= limitMicro, resets_at: resetsAt };
  }

  /**
   * The task's day for this tenant. The limit is the one passed in, else the one last used to
   * reserve that day. `day` is `YYYY-MM-DD` (default today, UTC).
   */
  async snapshot(
    scope: SpendScope,
    day: string = utcDay(new Date()),
    limit?: DailyLimit,
    now: Date = new Date(),
  ): Promise<DailySpendSnapshot> {
    const totals = await this.totals(this.ledgers(scope, checkedDay(day)).task, day, limit, now);
    return { task: scope.task, ...totals };
  }

  /** The tenant's day over all its tasks, against its own `daily_usd` when it has one. */
  async tenantSnapshot(
    tenant: string,
    day: string = utcDay(new Date()),
    limit?: number,
    now: Date = new Date(),
  ): Promise<TenantSpendSnapshot> {
    const keys = this.ledgers({ tenant, task: '' }, checkedDay(day)).tenant;
    return { tenant, ...(await this.totals(keys, day, limit, now)) };
  }

  private async totals(
    keys: LedgerKeys,
    day: string,
    limit: DailyLimit,
    now: Date,
  ): Promise<Omit<DailySpendSnapshot, 'task'>> {
    const [spent, reserved, storedLimit] = numbers(
      await SNAPSHOT_SCRIPT.run(this.redis, { keys, args: { now: now.getTime() } }),
    );
    const given = limitsOf(limit).limitMicro;
    const limitMicro = given !== NO_LIMIT ? given : storedLimit;
    const known = limitMicro !== NO_LIMIT;
    return {
      day,
      spent_usd: fromMicroUsd(spent),
      reserved_usd: fromMicroUsd(reserved),
      remaining_usd: known ? fromMicroUsd(Math.max(0, limitMicro - spent - reserved)) : null,
      limit_usd: known ? fromMicroUsd(limitMicro) : null,
      resets_at: dayEnd(day).toISOString(),
    };
  }

  /** The task's ledger for the tenant, and the tenant's own. */
  private ledgers(scope: SpendScope, day: string): { task: LedgerKeys; tenant: LedgerKeys } {
    // Tenant names come from SWITCHYARD_API_KEYS and may hold any character but "," and "=".
    const tenantBase = `${this.prefix}:spend:tenant:${encodeURIComponent(scope.tenant)}`;
    return {
      task: ledgerKeys(`${tenantBase}:task:${scope.task}:${day}`),
      tenant: ledgerKeys(`${tenantBase}:${day}`),
    };
  }

  /** Both ledgers as the two-ledger scripts name them. */
  private bothLedgers(scope: SpendScope, day: string) {
    const { task, tenant } = this.ledgers(scope, day);
    return {
      task_totals: task.totals,
      task_reservations: task.reservations,
      task_settled: task.settled,
      tenant_totals: tenant.totals,
      tenant_reservations: tenant.reservations,
      tenant_settled: tenant.settled,
    };
  }

  private keepUntil(day: string): number {
    return dayEnd(day).getTime() + this.retainMs;
  }
}

interface LedgerKeys {
  totals: string;
  reservations: string;
  settled: string;
}

function ledgerKeys(totals: string): LedgerKeys {
  return { totals, reservations: `${totals}:reservations`, settled: `${totals}:settled` };
}

function checkedDay(day: string): string {
  if (!isUtcDay(day)) throw new RangeError(`expected a day as YYYY-MM-DD, got "${day}"`);
  return day;
}

function limitsOf(limit: DailyLimit): { limitMicro: number; thresholdMicro: number } {
  const dailyUsd = typeof limit === 'number' ? limit : limit?.daily_usd;
  if (dailyUsd === undefined) return { limitMicro: NO_LIMIT, thresholdMicro: NO_LIMIT };
  const alertAt = (typeof limit === 'object' ? limit.alert_at : undefined) ?? DEFAULT_ALERT_AT;
  const limitMicro = toMicroUsd(dailyUsd);
  return { limitMicro, thresholdMicro: Math.round(limitMicro * alertAt) };
}

function dayOfReservation(reservationId: string): string {
  const match = RESERVATION_ID.exec(reservationId);
  if (!match || !isUtcDay(match[1]))
    throw new RangeError('not a reservation id from DailySpendStore.reserve');
  return match[1];
}

function numbers(reply: unknown): number[] {
  if (!Array.isArray(reply)) throw new TypeError('unexpected reply from a budget script');
  return reply.map((value) => Number(value));
}
