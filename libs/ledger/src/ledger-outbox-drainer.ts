import type Redis from 'ioredis';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { LedgerFailureReason } from './call-ledger';
import { insertCallRows } from './insert-call-rows';
import { consoleLedgerLogger, type LedgerLogger } from './ledger-logger';
import { ledgerTables } from './ledger-tables';
import { fromLedgerRow, type PreparedCall } from './prepared-call';
import { OutboxLease } from './outbox-lease';
import { redactSecrets } from './redact-secrets';
import type { SqlClient } from './sql-client';

/** Where the attempt writer leaves ledger rows (see JobStore.putAttempt) and counts the overflow. */
export interface LedgerOutboxKeys {
  /** A Redis stream: one entry per row, field `row` = the row's JSON (toLedgerRow). */
  stream: string;
  /** A counter of rows refused because the stream was full. */
  overflow: string;
  /** Names the one drainer of the deployment that is active (see OutboxLease). */
  lease: string;
}

export interface LedgerOutboxDrainerOptions {
  /** A connection of its own: the drainer blocks on it while the outbox is empty. */
  redis: Redis;
  keys: LedgerOutboxKeys;
  client: SqlClient;
  schema?: string;
  /** This process's name in the consumer group; unique per process (a restart is a new one). */
  consumer: string;
  group?: string;
  /** Rows per INSERT (default 200). */
  batchSize?: number;
  /** How long one read waits for a row to arrive (default 1000 ms); bounds a graceful stop. */
  blockMs?: number;
  /**
   * After a batch smaller than batchSize, how long rows may gather before the next read (default
   * 100 ms). Under load that makes one INSERT of many rows out of what would be one per job (the
   * blocking read returns on the first row); idle, nothing changes. It bounds how much later a row
   * shows in the ledger, never whether it does: the rows wait in the outbox meanwhile.
   */
  lingerMs?: number;
  /** Rows a consumer has held this long without storing them are taken over: their process died. */
  claimIdleMs?: number;
  /**
   * How long the active drainer's lease lasts without renewal (default 5000 ms): how soon a
   * standby takes over when the active one dies. The others ask for it every third of that.
   */
  leaseMs?: number;
  /**
   * A consumer that has held nothing and done nothing for this long is a process that stopped:
   * its name is dropped from the group (default 1 h), so restarts do not pile names up there.
   */
  forgetConsumerAfterMs?: number;
  /** Backoff while the database refuses writes: doubling from the first to the last. */
  retryMinMs?: number;
  retryMaxMs?: number;
  logger?: LedgerLogger;
  /** Rows lost: refused as invalid, rejected by the database, or never queued (outbox full). */
  onWriteFailure?: (rows: number, reason: LedgerFailureReason) => void;
  /** For scrubbing database error messages before they are logged. */
  secrets?: readonly string[];
  logIntervalMs?: number;
}

interface OutboxEntry {
  id: string;
  /** undefined: the entry was deleted (stored and acknowledged already); null: it has no row */
  row: string | null | undefined;
}

const DEFAULT_GROUP = 'ledger';

/**
 * Moves ledger rows from the Redis outbox into the call table. Rows reach the outbox in the same
 * Lua step that records their attempt, so an attempt that exists has its row waiting there
 * whatever process dies afterwards; this drainer makes "waiting" into "stored".
 *
 * Every worker and router process runs a drainer, but one at a time is active: the one holding
 * the outbox lease (OutboxLease); the others ask for it now and then and take over when the active
 * one stops or dies. They share one stream consumer group: an entry read by one stays pending (in that consumer's list) until its INSERT has committed, and only then is
 * acknowledged and deleted. A process that dies holding entries leaves them pending; any other
 * drainer takes them over (XAUTOCLAIM) once they have been idle for claimIdleMs. The same row may
 * thus be inserted twice (a commit whose acknowledgement was lost), which the table's unique
 * call_key turns into one row (ON CONFLICT DO NOTHING). While the database is down nothing is
 * acknowledged: the rows wait in Redis and the drainer retries with backoff; nothing is lost and
 * nothing is counted. A batch is what arrived while the previous INSERT ran and the drainer lingered
 * (lingerMs), up to batchSize.
 */
export class LedgerOutboxDrainer {
  private readonly redis: Redis;
  private readonly keys: LedgerOutboxKeys;
  private readonly client: SqlClient;
  private readonly table: string;
  private readonly consumer: string;
  private readonly group: string;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly lingerMs: number;
  private readonly claimIdleMs: number;
  private readonly forgetConsumerAfterMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly logger: LedgerLogger;
  private readonly onWriteFailure?: (rows: number, reason: LedgerFailureReason) => void;
  private readonly secrets: readonly string[];
  private readonly logIntervalMs: number;
  private readonly lease: OutboxLease;

  private groupReady = false;
  /** After a failed write: this consumer's own pending entries are read again before new ones. */
  private ownPending = true;
  private claimCursor = '0-0';
  private nextClaimAt = 0;
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private storedRows = 0;
  private lostRows = 0;

  constructor(options: LedgerOutboxDrainerOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.client = options.client;
    this.table = ledgerTables(options.schema).calls;
    this.consumer = options.consumer;
    this.group = options.group ?? DEFAULT_GROUP;
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? 200, 1000));
    this.blockMs = Math.max(1, options.blockMs ?? 1000);
    this.lingerMs = Math.max(0, options.lingerMs ?? 100);
    this.claimIdleMs = Math.max(1, options.claimIdleMs ?? 15_000);
    this.forgetConsumerAfterMs = Math.max(1, options.forgetConsumerAfterMs ?? 3_600_000);
    this.retryMinMs = Math.max(1, options.retryMinMs ?? 500);
    this.retryMaxMs = Math.max(this.retryMinMs, options.retryMaxMs ?? 10_000);
    this.logger = options.logger ?? consoleLedgerLogger;
    this.onWriteFailure = options.onWriteFailure;
    this.secrets = [...(options.secrets ?? [])];
    this.logIntervalMs = options.logIntervalMs ?? 30_000;
    this.lease = new OutboxLease(
      this.redis,
      this.keys.lease,
      this.consumer,
      Math.max(3, options.leaseMs ?? 5_000),
    );
  }

  /** Rows this drainer has stored (or found stored already) since it started. */
  get stored(): number {
    return this.storedRows;
  }

  /** Rows this drainer counted as lost. */
  get lost(): number {
    return this.lostRows;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    // Detached from any caller's trace: a batch carries many jobs' rows.
    this.running = context.with(ROOT_CONTEXT, () => this.loop());
  }

  /**
   * Graceful stop: ends the loop (after at most one blocking read), then stores what is left in
   * the outbox, for up to flushMs. Whatever it cannot store stays in Redis for the next drainer.
   */
  async stop(flushMs = 5_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    const deadline = Date.now() + flushMs;
    try {
      while (Date.now() < deadline && (await this.drainOnce()) > 0) {
        // keep going while rows come
      }
    } catch (err) {
      this.warn(`ledger outbox: rows left for the next drainer: ${this.describe(err)}`);
    }
    await this.lease.release().catch(() => undefined);
  }

  /**
   * One batch without waiting, whether or not this drainer holds the lease: read (own pending, then idle entries of others, then new ones),
   * store, acknowledge. Returns how many entries it handled; throws when the write failed (the
   * entries stay pending and are read again first).
   */
  async drainOnce(): Promise<number> {
    return this.step(undefined);
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!(await this.lease.hold())) {
          // On standby. Should it take over, its own leftovers come first, then a claim pass.
          this.ownPending = true;
          this.nextClaimAt = 0;
          await this.pause(this.lease.pollMs);
          continue;
        }
        const handled = await this.step(this.blockMs);
        failures = 0;
        if (handled > 0 && handled < this.batchSize && this.lingerMs > 0) {
          await this.pause(this.lingerMs);
        }
      } catch (err) {
        failures++;
        this.warn(`ledger outbox: write failed, retrying (rows kept): ${this.describe(err)}`);
        await this.pause(Math.min(this.retryMaxMs, this.retryMinMs * 2 ** (failures - 1)));
      }
    }
  }

  private async step(blockMs: number | undefined): Promise<number> {
    let entries: OutboxEntry[];
    try {
      entries = await this.read(blockMs);
    } catch (err) {
      if (/NOGROUP/.test((err as Error).message ?? '')) this.groupReady = false;
      this.ownPending = true;
      throw err;
    }
    if (entries.length === 0) return 0;
    try {
      await this.write(entries);
    } catch (err) {
      this.ownPending = true;
      throw err;
    }
    return entries.length;
  }

  private async read(blockMs: number | undefined): Promise<OutboxEntry[]> {
    await this.ensureGroup();
    if (this.ownPending) {
      const own = parseRead(
        await this.redis.call(
          'XREADGROUP',
          'GROUP',
          this.group,
          this.consumer,
          'COUNT',
          this.batchSize,
          'STREAMS',
          this.keys.stream,
          '0',
        ),
      );
      if (own.length > 0) return own;
      this.ownPending = false;
    }
    if (Date.now() >= this.nextClaimAt) {
      await this.reportOverflow();
      const [cursor, claimed] = (await this.redis.call(
        'XAUTOCLAIM',
        this.keys.stream,
        this.group,
        this.consumer,
        this.claimIdleMs,
        this.claimCursor,
        'COUNT',
        this.batchSize,
      )) as [string, unknown[]];
      this.claimCursor = cursor;
      // A full pass over the pending entries, then the next one after a while.
      if (cursor === '0-0') {
        this.nextClaimAt = Date.now() + Math.min(this.claimIdleMs, 5_000);
        await this.forgetStoppedConsumers();
      }
      const entries = parseEntries(claimed);
      if (entries.length > 0) return entries;
    }
    const block = blockMs === undefined ? [] : ['BLOCK', blockMs];
    return parseRead(
      await this.redis.call(
        'XREADGROUP',
        'GROUP',
        this.group,
        this.consumer,
        'COUNT',
        this.batchSize,
        ...block,
        'STREAMS',
        this.keys.stream,
        '>',
      ),
    );
  }

  private async write(entries: OutboxEntry[]): Promise<void> {
    const rows: PreparedCall[] = [];
    let invalid = 0;
    for (const entry of entries) {
      if (entry.row === undefined) continue;
      try {
        if (entry.row === null) throw new TypeError('outbox entry without a row');
        rows.push(fromLedgerRow(JSON.parse(entry.row)));
      } catch {
        invalid++;
      }
    }
    let rejected = 0;
    let rejection: unknown;
    await insertCallRows(this.client, this.table, rows, (_row, err) => {
      rejected++;
      rejection = err;
    });
    const ids = entries.map((e) => e.id);
    const replies = await this.redis
      .multi()
      .xack(this.keys.stream, this.group, ...ids)
      .xdel(this.keys.stream, ...ids)
      .exec();
    const failed = replies?.find(([err]) => err)?.[0];
    if (!replies || failed) throw failed ?? new Error('outbox acknowledgement was discarded');
    // Counted once acknowledged, so rows read again after a failure are not counted twice.
    this.storedRows += rows.length - rejected;
    if (invalid) this.fail(invalid, 'invalid_record');
    if (rejected) this.fail(rejected, 'write_error', rejection);
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      // From the start of the stream: rows written before any drainer existed are drained too.
      await this.redis.call('XGROUP', 'CREATE', this.keys.stream, this.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message ?? '')) throw err;
    }
    this.groupReady = true;
  }

  /** Names of consumers with nothing pending that have been idle past forgetConsumerAfterMs. */
  private async forgetStoppedConsumers(): Promise<void> {
    const consumers = (await this.redis.call(
      'XINFO',
      'CONSUMERS',
      this.keys.stream,
      this.group,
    )) as unknown[][];
    for (const fields of consumers) {
      const info: Record<string, unknown> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) info[String(fields[i])] = fields[i + 1];
      const name = String(info.name);
      if (name === this.consumer || Number(info.pending) !== 0) continue;
      if (Number(info.idle) < this.forgetConsumerAfterMs) continue;
      await this.redis.call('XGROUP', 'DELCONSUMER', this.keys.stream, this.group, name);
    }
  }

  /** Rows the attempt writer could not queue (outbox full) are lost: count them here, once. */
  private async reportOverflow(): Promise<void> {
    const raw = (await this.redis.call('GETDEL', this.keys.overflow)) as string | null;
    const n = Number(raw ?? 0);
    if (n > 0) this.fail(n, 'queue_full');
  }

  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private fail(rows: number, reason: LedgerFailureReason, err?: unknown): void {
    this.lostRows += rows;
    try {
      this.onWriteFailure?.(rows, reason);
    } catch {
      // A broken metrics hook must not stop the drain.
    }
    const detail = err === undefined ? '' : `: ${this.describe(err)}`;
    this.warn(`ledger outbox: ${rows} call row(s) not stored (${reason})${detail}`);
  }

  /** At most one line per logIntervalMs: an outage logs now and then, not per batch. */
  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastLogAt < this.logIntervalMs) return;
    this.lastLogAt = now;
    this.logger.warn(message);
  }

  /** Error code and message only, redacted: never the rows, which may hold prompts. */
  private describe(err: unknown): string {
    const e = err as { code?: unknown; message?: unknown } | null;
    const code = typeof e?.code === 'string' ? `${e.code} ` : '';
    const message = typeof e?.message === 'string' ? e.message : String(err);
    return redactSecrets(`${code}${message}`.slice(0, 300), this.secrets);
  }
}

/** XREADGROUP's reply: [[stream, [[id, [field, value, ...]], ...]]] or null. */
function parseRead(reply: unknown): OutboxEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const [, entries] = reply[0] as [string, unknown[]];
  return parseEntries(entries);
}

function parseEntries(entries: unknown[] | null | undefined): OutboxEntry[] {
  if (!Array.isArray(entries)) return [];
  return entries.map((raw) => {
    const [id, fields] = raw as [string, string[] | null];
    if (!Array.isArray(fields)) return { id, row: undefined };
    let row: string | null = null;
    for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'row') row = fields[i + 1];
    return { id, row };
  });
}
