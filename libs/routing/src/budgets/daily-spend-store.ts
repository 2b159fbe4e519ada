import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { DEFAULT_ALERT_AT } from '../routing-defaults';
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
} from './daily-spend.types';
import { fromMicroUsd, toMicroUsd } from './micro-usd';
import { DAY_MS, dayEnd, isUtcDay, utcDay } from './utc-day';

const RESERVATION_ID = /^(\d{4}-\d{2}-\d{2})\.(\d+)\.[0-9a-f]+$/;
const NO_LIMIT = -1;

/**
 * Per-task, per-UTC-day spend in Redis, shared by every worker. A call reserves its estimated
 * cost first (refused atomically if the day's limit would be crossed), then settles with the
 * real cost or releases the reservation if the call never happened.
 *
 * Reservations expire (reservationTtlMs) so a worker that dies mid-call cannot hold budget
 * forever; a settle that arrives after expiry still bills the real cost. A reservation is billed
 * to the day it was made on, even if settled after midnight, and so is the alert its settle may
 * raise (alerts look at settled spend, never at reservations). Settling is idempotent per
 * reservation id. Keys: `<prefix>:spend:<task>:<YYYY-MM-DD>` (totals) plus `:reservations` and
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

  async reserve(
    task: string,
    amountUsd: number,
    limit: DailyLimit,
    now: Date = new Date(),
  ): Promise<ReserveResult> {
    const day = utcDay(now);
    const amount = toMicroUsd(amountUsd);
    const { limitMicro, thresholdMicro } = limitsOf(limit);
    const reservationId = `${day}.${amount}.${randomBytes(8).toString('hex')}`;
    const reply = await RESERVE_SCRIPT.run(
      this.redis,
      ...this.keys(task, day),

      now.getTime(),
      reservationId,
      amount,
      limitMicro,
      thresholdMicro,
      now.getTime() + this.reservationTtlMs,
      this.keepUntil(day),
    );
    const [ok, spent, reserved] = numbers(reply);
    if (ok === 1) return { ok: true, reservationId };
    return {
      ok: false,
      spent: fromMicroUsd(spent),
      reserved: fromMicroUsd(reserved),
      limit: fromMicroUsd(limitMicro),
      resets_at: dayEnd(day).toISOString(),
    };
  }

  async settle(
    task: string,
    reservationId: string,
    actualUsd: number,
    now: Date = new Date(),
  ): Promise<SettleResult> {
    const day = dayOfReservation(reservationId);
    const reply = await SETTLE_SCRIPT.run(
      this.redis,
      ...this.keys(task, day),
      now.getTime(),
      reservationId,
      toMicroUsd(actualUsd),
      this.keepUntil(day),
    );
    const [settled, spent, reserved, alert] = numbers(reply);
    return {
      settled: settled === 1,
      alert: alert === 1,
      day,
      spent_usd: fromMicroUsd(spent),
      reserved_usd: fromMicroUsd(reserved),
    };
  }

  async release(
    task: string,
    reservationId: string,
    now: Date = new Date(),
  ): Promise<ReleaseResult> {
    const day = dayOfReservation(reservationId);
    const reply = await RELEASE_SCRIPT.run(
      this.redis,
      ...this.keys(task, day),
      now.getTime(),
      reservationId,
    );
    return { released: numbers(reply)[0] === 1 };
  }

  /**
   * Whether nothing is left of today's limit (the ingress answers 429 budget_exhausted), with
   * when the limit resets. Without a limit a task is never exhausted.
   */
  async isExhausted(
    task: string,
    limit: DailyLimit,
    now: Date = new Date(),
  ): Promise<ExhaustionState> {
    const day = utcDay(now);
    const resetsAt = dayEnd(day).toISOString();
    const { limitMicro } = limitsOf(limit);
    if (limitMicro === NO_LIMIT) return { exhausted: false, resets_at: resetsAt };
    const [spent, reserved] = numbers(
      await SNAPSHOT_SCRIPT.run(this.redis, ...this.keys(task, day), now.getTime()),
    );
    return { exhausted: spent + reserved >= limitMicro, resets_at: resetsAt };
  }

  /**
   * The day's totals. The limit is the one passed in, else the one last used to reserve that day.
   * `day` is `YYYY-MM-DD` (default today, UTC).
   */
  async snapshot(
    task: string,
    day: string = utcDay(new Date()),
    limit?: DailyLimit,
    now: Date = new Date(),
  ): Promise<DailySpendSnapshot> {
    if (!isUtcDay(day)) throw new RangeError(`expected a day as YYYY-MM-DD, got "${day}"`);
    const [spent, reserved, storedLimit] = numbers(
      await SNAPSHOT_SCRIPT.run(this.redis, ...this.keys(task, day), now.getTime()),
    );
    const given = limitsOf(limit).limitMicro;
    const limitMicro = given !== NO_LIMIT ? given : storedLimit;
    const known = limitMicro !== NO_LIMIT;
    return {
      task,
      day,
      spent_usd: fromMicroUsd(spent),
      reserved_usd: fromMicroUsd(reserved),
      remaining_usd: known ? fromMicroUsd(Math.max(0, limitMicro - spent - reserved)) : null,
      limit_usd: known ? fromMicroUsd(limitMicro) : null,
      resets_at: dayEnd(day).toISOString(),
    };
  }

  private keys(task: string, day: string): string[] {
    const totals = `${this.prefix}:spend:${task}:${day}`;
    return [totals, `${totals}:reservations`, `${totals}:settled`];
  }

  private keepUntil(day: string): number {
    return dayEnd(day).getTime() + this.retainMs;
  }
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
