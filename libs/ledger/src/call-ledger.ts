import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { CallRecord } from './call-record.types';
import { consoleLedgerLogger, type LedgerLogger } from './ledger-logger';
import { ledgerTables } from './ledger-tables';
import { insertCallRows } from './insert-call-rows';
import { prepareCall, type PreparedCall } from './prepared-call';
import { redactSecrets } from './redact-secrets';
import type { SqlClient } from './sql-client';

/** Why rows were lost: the in-memory queue was full, the insert failed, or the record was unusable. */
export type LedgerFailureReason = 'queue_full' | 'write_error' | 'invalid_record';

export interface CallLedgerOptions {
  client: SqlClient;
  schema?: string;
  /** Values that must never be stored (provider keys, webhook secrets, tenant API keys). */
  secrets?: readonly string[];
  /** Rows held in memory while the database is slow; beyond this, new rows are dropped and counted. */
  maxQueue?: number;
  /** Rows per INSERT */
  maxBatch?: number;
  logger?: LedgerLogger;
  /** Feed ledger_write_failures_total from here. */
  onWriteFailure?: (rows: number, reason: LedgerFailureReason) => void;
  /** Minimum spacing of failure log lines, so an outage logs a line now and then, not per row. */
  logIntervalMs?: number;
}

/**
 * Write side of the ledger. record() only prepares the row and queues it, so a job never waits on
 * the database; a single background drain inserts whatever has queued up in batches (one INSERT in
 * flight at a time). Failures are logged and counted, never thrown. Rows still queued when the
 * process dies are lost, which is why shutdown must call flush(), and why the worker does not
 * write through here but through the Redis outbox (LedgerOutboxDrainer), which survives a crash.
 */
export class CallLedger {
  private readonly client: SqlClient;
  private readonly table: string;
  private readonly secrets: readonly string[];
  private readonly maxQueue: number;
  private readonly maxBatch: number;
  private readonly logger: LedgerLogger;
  private readonly onWriteFailure?: (rows: number, reason: LedgerFailureReason) => void;
  private readonly logIntervalMs: number;

  private queue: PreparedCall[] = [];
  private draining: Promise<void> | null = null;
  private failed = 0;
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private unloggedFailures = 0;

  constructor(options: CallLedgerOptions) {
    this.client = options.client;
    this.table = ledgerTables(options.schema).calls;
    this.secrets = [...(options.secrets ?? [])];
    this.maxQueue = options.maxQueue ?? 10_000;
    this.maxBatch = Math.max(1, Math.min(options.maxBatch ?? 100, 1000));
    this.logger = options.logger ?? consoleLedgerLogger;
    this.onWriteFailure = options.onWriteFailure;
    this.logIntervalMs = options.logIntervalMs ?? 30_000;
  }

  /** Rows lost so far (dropped, failed or unusable). */
  get writeFailures(): number {
    return this.failed;
  }

  /** Rows queued and not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves as soon as the row is queued; never rejects. */
  async record(call: CallRecord): Promise<void> {
    let row: PreparedCall;
    try {
      row = prepareCall(call, this.secrets);
    } catch (err) {
      this.fail(1, 'invalid_record', err);
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      this.fail(1, 'queue_full');
      return;
    }
    this.queue.push(row);
    this.startDrain();
  }

  /** Waits until every row queued so far has been written or counted as failed. */
  async flush(): Promise<void> {
    while (this.draining || this.queue.length) {
      this.startDrain();
      await this.draining;
    }
  }

  private startDrain(): void {
    if (this.draining || !this.queue.length) return;
    // Detached from the caller's trace: one batch carries many jobs' rows, and its INSERT span
    // would otherwise land in whichever job happened to start the drain.
    this.draining = context
      .with(ROOT_CONTEXT, () => this.drain())
      .finally(() => {
        this.draining = null;
        this.startDrain();
      });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.writeBatch(batch);
    }
  }

  private async writeBatch(batch: PreparedCall[]): Promise<void> {
    try {
      await insertCallRows(this.client, this.table, batch, (_row, err) =>
        this.fail(1, 'write_error', err),
      );
    } catch (err) {
      this.fail(batch.length, 'write_error', err);
    }
  }

  private fail(rows: number, reason: LedgerFailureReason, err?: unknown): void {
    this.failed += rows;
    try {
      this.onWriteFailure?.(rows, reason);
    } catch {
      // A broken metrics hook must not turn into a ledger failure.
    }
    this.unloggedFailures += rows;
    const now = Date.now();
    if (now - this.lastLogAt < this.logIntervalMs) return;
    this.lastLogAt = now;
    const detail = err === undefined ? '' : `: ${this.describe(err)}`;
    this.logger.warn(
      `ledger: ${this.unloggedFailures} call row(s) not stored (${reason})${detail}; total lost ${this.failed}`,
    );
    this.unloggedFailures = 0;
  }

  /** Error code and message only, redacted: never the rows, which may hold prompts. */
  private describe(err: unknown): string {
    const e = err as { code?: unknown; message?: unknown } | null;
    const code = typeof e?.code === 'string' ? `${e.code} ` : '';
    const message = typeof e?.message === 'string' ? e.message : String(err);
    return redactSecrets(`${code}${message}`.slice(0, 300), this.secrets);
  }
}
