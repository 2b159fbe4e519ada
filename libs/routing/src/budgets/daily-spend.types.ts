/** A task's daily limit: a USD amount, or the task's budget (daily_usd and alert_at). */
export type DailyLimit = number | { daily_usd?: number; alert_at?: number } | undefined;

/** Whose day a call is billed to: the task's for this tenant, and the tenant's over all tasks. */
export interface SpendScope {
  task: string;
  tenant: string;
}

export interface SpendLimits {
  /** The task's daily limit (counted per tenant) */
  task?: DailyLimit;
  /** The tenant's daily limit over all its tasks (a USD amount, or its daily_usd and alert_at) */
  tenant?: DailyLimit;
}

export type ReserveResult =
  | { ok: true; reservationId: string }
  | {
      ok: false;
      /** Which limit could not take the amount (nothing was reserved on either) */
      refused_by: 'task' | 'tenant';
      /** spent, reserved and limit of that ledger */
      spent: number;
      reserved: number;
      limit: number;
      resets_at: string;
    };

export interface SettleResult {
  /** False when this reservation had already been settled: nothing was billed again. */
  settled: boolean;
  /** Settled spend crossed alert_at with this settle, for the first time on `day` */
  alert: boolean;
  /** The UTC day the reservation (and so this spend and any alert) belongs to */
  day: string;
  spent_usd: number;
  reserved_usd: number;
  /**
   * The tenant's day over all tasks after this settle; `alert`: its settled spend crossed the
   * tenant's alert_at with this settle, for the first time on `day`
   */
  tenant: { spent_usd: number; reserved_usd: number; alert: boolean };
}

export interface ReleaseResult {
  /** False when the reservation was no longer open (settled, released or expired). */
  released: boolean;
}

export interface ExhaustionState {
  exhausted: boolean;
  /** ISO time of the next UTC midnight, when the day's budget starts over */
  resets_at: string;
}

export interface DailySpendSnapshot {
  task: string;
  day: string;
  spent_usd: number;
  reserved_usd: number;
  /** Null when no limit is known for the day */
  remaining_usd: number | null;
  limit_usd: number | null;
  resets_at: string;
}

/** A tenant's day over all its tasks (GET /v1/spend's `tenant`). */
export interface TenantSpendSnapshot extends Omit<DailySpendSnapshot, 'task'> {
  tenant: string;
}

export interface DailySpendStoreOptions {
  /** How long a reservation holds budget if neither settled nor released; default 15 minutes */
  reservationTtlMs?: number;
  /** How long a day's keys outlive the day, for snapshots of past days; default 2 days */
  retainDaysAfter?: number;
}
