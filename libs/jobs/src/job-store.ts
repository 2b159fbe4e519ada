import type Redis from 'ioredis';
import { inOneWrite } from '@switchyard/redis';
import { JOB_EVENTS_MAX_LEN, terminalEventFor } from './job-events';
import { JobStep } from './lifecycle/job-steps';
import { jobKeys, type JobKeys } from './job-keys';
import { decodeCursor, encodeCursor, isBelow } from './job-list-cursor';
import { decodeJobRecord, decodeJobRecordReply, encodeJobRecord } from './job-record-codec';
import {
  type AttemptRecord,
  type JobError,
  type JobRecord,
  type JobResult,
  type JobStatus,
} from './job.types';
import { ADVANCE_HOP } from './scripts/advance-hop.script';
import { BEGIN_ATTEMPT } from './scripts/begin-attempt.script';
import { CREATE_JOB } from './scripts/create-job.script';
import { FINALIZE_JOB } from './scripts/finalize-job.script';
import { PUT_ATTEMPT } from './scripts/put-attempt.script';

export { InvalidCursorError } from './job-list-cursor';

/**
 * Job state in Redis: one hash per job, one hash of attempts per job, and a per-tenant sorted set
 * for listing (job-keys names them all). State transitions that race (finish vs. cancel, a stalled
 * re-run vs. the router) are scripts (./scripts) so each job ends in exactly one terminal state.
 */

/** What an attempt still marked running becomes when its job ends (see FINALIZE_JOB). */
export const ABANDONED_ATTEMPT_MESSAGE =
  'the job ended while this attempt was marked running (its process stopped, or the job was ' +
  'cancelled or ran out of time first)';

export type FinalizeOutcome =
  'finalized' | 'already_finalized_by_me' | 'already_terminal' | 'missing';

export interface FinalizeOptions {
  /** Publish the end on the completion channel in the same step (see JobCompletionChannel). */
  announce?: boolean;
  /** Leave the job in the active index; the caller drops it (forgetActive) once it is announced. */
  keepActive?: boolean;
  now?: Date;
  /** A ledger row (LedgerService.ledgerRow) that joins the outbox with the winning transition. */
  ledgerRow?: string;
}

export interface JobListFilter {
  task?: string;
  status?: JobStatus;
  limit: number;
  /** Opaque cursor from a previous page */
  cursor?: string;
  /** Jobs created at or after this epoch ms */
  since?: number;
  /** Jobs created at or before this epoch ms */
  until?: number;
}

export interface JobListPage {
  jobs: JobRecord[];
  next_cursor: string | null;
}

export interface JobStoreOptions {
  /** Ledger rows the outbox holds at most (undrained); beyond, a row is refused and counted. */
  ledgerOutboxMaxEntries?: number;
}

export const DEFAULT_LEDGER_OUTBOX_MAX_ENTRIES = 100_000;

/** The ledger outbox of a key prefix: where putAttempt leaves rows for LedgerOutboxDrainer. */
export function ledgerOutboxKeys(prefix: string): {
  stream: string;
  overflow: string;
  lease: string;
} {
  const keys = jobKeys(prefix);
  return {
    stream: keys.ledgerOutbox,
    overflow: keys.ledgerOutboxOverflow,
    lease: keys.ledgerOutboxLease,
  };
}

export class JobStore {
  private readonly ledgerOutboxMaxEntries: number;
  private readonly keys: JobKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly retentionSeconds: number,
    options: JobStoreOptions = {},
  ) {
    this.keys = jobKeys(prefix);
    this.ledgerOutboxMaxEntries =
      options.ledgerOutboxMaxEntries ?? DEFAULT_LEDGER_OUTBOX_MAX_ENTRIES;
  }

  jobKey(id: string): string {
    return this.keys.job(id);
  }

  /** Writes the job unless one with its id exists; false when it did (the caller then replays it). */
  async create(job: JobRecord): Promise<boolean> {
    const createdMs = Date.parse(job.created_at);
    const created = await CREATE_JOB.run(this.redis, {
      keys: {
        job: this.keys.job(job.id),
        tenant_index: this.keys.tenantIndex(job.tenant),
        active: this.keys.active,
      },
      args: {
        retention_s: this.retentionSeconds,
        created_ms: createdMs,
        index_cutoff_ms: createdMs - this.retentionSeconds * 1000,
        deadline_ms: job.deadline_at,
        id: job.id,
      },
      // Cost is added only by the transition that ends the job (FINALIZE_JOB), once.
      rest: Object.entries(encodeJobRecord({ ...job, cost_usd: 0 })).flat(),
    });
    return created === 1;
  }

  async get(id: string): Promise<JobRecord | null> {
    return decodeJobRecord(await this.redis.hgetall(this.keys.job(id)));
  }

  async getMany(ids: string[]): Promise<Array<JobRecord | null>> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.job(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, raw]) => {
      if (err) throw err;
      return decodeJobRecord(raw as Record<string, string>);
    });
  }

  async attempts(id: string): Promise<AttemptRecord[]> {
    return parseAttempts(await this.redis.hgetall(this.keys.attempts(id)));
  }

  /**
   * The job and its attempts in one round trip and one socket write (what a job view needs): two
   * commands sent together rather than a pipeline, which ioredis builds by copying every script
   * defined on the connection (11 µs of CPU more per view, measured).
   */
  async getWithAttempts(id: string): Promise<{ job: JobRecord | null; attempts: AttemptRecord[] }> {
    const [job, attempts] = await inOneWrite(this.redis, () =>
      Promise.all([
        this.redis.hgetall(this.keys.job(id)),
        this.redis.hgetall(this.keys.attempts(id)),
      ]),
    );
    return { job: decodeJobRecord(job), attempts: parseAttempts(attempts) };
  }

  /**
   * Records the attempt; `ledgerRow` (its call's ledger row, serialised) joins the ledger outbox
   * in the same step, and only when the record itself is written. Returns false when the record
   * was not written (it could only be stale, see PUT_ATTEMPT).
   */
  async putAttempt(id: string, attempt: AttemptRecord, ledgerRow?: string): Promise<boolean> {
    const written = await PUT_ATTEMPT.run(this.redis, {
      keys: {
        attempts: this.keys.attempts(id),
        job: this.keys.job(id),
        outbox: this.keys.ledgerOutbox,
        outbox_overflow: this.keys.ledgerOutboxOverflow,
      },
      args: {
        hop_try: `${attempt.hop}.${attempt.try}`,
        record: JSON.stringify(attempt),
        retention_s: this.retentionSeconds,
        running: attempt.status === 'running' ? '1' : '0',
        status: attempt.status,
        ledger_row: ledgerRow ?? '',
        outbox_cap: this.ledgerOutboxMaxEntries,
      },
    });
    return written === 1;
  }

  /**
   * Marks the job running (if it was queued) and returns its record as it is now; the record's
   * status and current_hop tell a stale hop to stand down. Null when the job does not exist.
   */
  async beginAttempt(id: string, now = new Date()): Promise<JobRecord | null> {
    const flat = await BEGIN_ATTEMPT.run(this.redis, {
      keys: { job: this.keys.job(id) },
      args: { now: now.toISOString() },
    });
    return decodeJobRecordReply(flat as string[] | null);
  }

  /** Returns false when the job already ended (nothing should be enqueued for it). */
  async advanceHop(id: string, hop: number, now = new Date()): Promise<boolean> {
    const r = await ADVANCE_HOP.run(this.redis, {
      keys: { job: this.keys.job(id) },
      args: { hop: String(hop), now: now.toISOString() },
    });
    return r === 1;
  }

  /** Adds what a failed call still cost (the provider billed its partial answer). */
  async addCost(id: string, usd: number): Promise<void> {
    if (usd <= 0) return;
    await this.redis.hincrbyfloat(this.keys.job(id), 'cost_usd', usd);
  }

  /** Ends the job with its result and adds the result's cost to the job's, once. */
  async succeed(
    id: string,
    result: JobResult,
    finalizer: string,
    options: FinalizeOptions = {},
  ): Promise<FinalizeOutcome> {
    return this.finalize(
      id,
      'succeeded',
      'result',
      JSON.stringify(result),
      finalizer,
      options,
      result.cost_usd,
    );
  }

  async fail(
    id: string,
    error: JobError,
    finalizer: string,
    options: FinalizeOptions = {},
  ): Promise<FinalizeOutcome> {
    return this.finalize(id, 'failed', 'error', JSON.stringify(error), finalizer, options);
  }

  async cancel(id: string, options: FinalizeOptions = {}): Promise<FinalizeOutcome> {
    const error: JobError = { type: 'cancelled', message: 'cancelled by the client' };
    return this.finalize(id, 'cancelled', 'error', JSON.stringify(error), JobStep.cancel, options);
  }

  private async finalize(
    id: string,
    status: JobStatus,
    field: string,
    value: string,
    finalizer: string,
    options: FinalizeOptions,
    costUsd = 0,
  ): Promise<FinalizeOutcome> {
    const r = await FINALIZE_JOB.run(this.redis, {
      keys: {
        job: this.keys.job(id),
        active: this.keys.active,
        attempts: this.keys.attempts(id),
        events: this.keys.events(id),
        outbox: this.keys.ledgerOutbox,
        outbox_overflow: this.keys.ledgerOutboxOverflow,
      },
      args: {
        status,
        field,
        value,
        finalizer,
        now: (options.now ?? new Date()).toISOString(),
        id,
        cost_usd: String(costUsd > 0 ? costUsd : 0),
        channel: options.announce ? this.keys.doneChannel : '',
        abandoned_message: ABANDONED_ATTEMPT_MESSAGE,
        terminal_event: terminalEventFor(status),
        events_max_len: JOB_EVENTS_MAX_LEN,
        retention_s: this.retentionSeconds,
        keep_active: options.keepActive ? '1' : '0',
        ledger_row: options.ledgerRow ?? '',
        outbox_cap: this.ledgerOutboxMaxEntries,
      },
    });
    if (r === 1) return 'finalized';
    if (r === 2) return 'already_finalized_by_me';
    if (r === 0) return 'already_terminal';
    return 'missing';
  }

  /** Unfinished jobs whose deadline passed before `beforeMs`. */
  async overdue(beforeMs: number, limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.active, '-inf', beforeMs, 'LIMIT', 0, limit);
  }

  /** Drops an id from the active index (its record expired or vanished). */
  async forgetActive(id: string): Promise<void> {
    await this.redis.zrem(this.keys.active, id);
  }

  /**
   * Newest first. Filters are applied while walking the tenant's index, a batch at a time. Each
   * batch starts below the last (score, id) seen rather than at an offset, so jobs created while
   * a page is being read (they land on top) cannot shift an entry into the page twice.
   */
  async list(tenant: string, filter: JobListFilter): Promise<JobListPage> {
    const index = this.keys.tenantIndex(tenant);
    let after = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    // The creation-time window is the index's own score range (a cursor is already inside it).
    const newest = filter.until === undefined ? '+inf' : String(filter.until);
    const oldest = filter.since === undefined ? '-inf' : String(filter.since);
    const jobs: JobRecord[] = [];
    const batch = Math.max(filter.limit * 2, 50);
    // Entries sharing the bound's score that are already behind us (rare: one millisecond).
    let tiesBehind = 0;
    for (;;) {
      const page = await this.redis.zrevrangebyscore(
        index,
        after ? String(after.score) : newest,
        oldest,
        'WITHSCORES',
        'LIMIT',
        tiesBehind,
        batch,
      );
      if (page.length === 0) return { jobs, next_cursor: null };
      const entries: Array<{ id: string; score: number }> = [];
      for (let i = 0; i < page.length; i += 2) {
        const entry = { id: page[i], score: Number(page[i + 1]) };
        if (!after || isBelow(entry, after)) entries.push(entry);
      }
      if (entries.length === 0) {
        tiesBehind += page.length / 2;
        continue;
      }
      tiesBehind = 0;
      const records = await this.getMany(entries.map((e) => e.id));
      for (let i = 0; i < entries.length; i++) {
        after = entries[i];
        const job = records[i];
        if (!job) continue;
        if (filter.task && job.task !== filter.task) continue;
        if (filter.status && job.status !== filter.status) continue;
        jobs.push(job);
        if (jobs.length === filter.limit) return { jobs, next_cursor: encodeCursor(after) };
      }
    }
  }
}

function parseAttempts(raw: Record<string, string>): AttemptRecord[] {
  return Object.values(raw)
    .map((v) => JSON.parse(v) as AttemptRecord)
    .sort((a, b) => a.hop - b.hop || a.try - b.try);
}
