import type Redis from 'ioredis';
import { RedisScript } from '@switchyard/redis';
import { jobDoneChannel } from './job-completion-channel';
import { JOB_EVENTS_MAX_LEN, jobEventsKey, terminalEventFor } from './job-events';
import {
  type AttemptRecord,
  type JobError,
  type JobRecord,
  type JobResult,
  type JobStatus,
} from './job.types';

/**
 * Job state in Redis: one hash per job, one hash of attempts per job, and a per-tenant sorted set
 * for listing. State transitions that race (finish vs. cancel, a stalled re-run vs. the router)
 * are Lua scripts so each job ends in exactly one terminal state.
 */

// Returns 1 when this call made the job terminal, 2 when the same finalizer already had (a re-run
// after a crash, which must redo its follow-ups), 0 when someone else ended the job first.
// ARGV[7] is the result's cost: charged here, by the one transition that wins, so a result that is
// produced twice (a stalled attempt re-run while the first run was still alive) is billed once.
// ARGV[8], when not empty, is the completion channel: the end is announced in the same step,
// which saves the finalizer a round trip when nothing else (a webhook) has to go out first.
// KEYS[4] is the job's event stream: the transition that wins appends the terminal event (ARGV[10],
// capped at ARGV[11], expiring after ARGV[12] s) in the same step, so a listener never waits for
// the end of a job that has ended.
// ARGV[13] = '1' leaves the job in the active index (KEYS[2]): the deadline sweeper drops it only
// once the end is announced, so an announcement cut short (a crash, a failed publish) is redone.
const FINALIZE = new RedisScript(
  'switchyardJobFinalize',
  `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
local outcome = 1
if status == 'succeeded' or status == 'failed' or status == 'cancelled' then
  if redis.call('HGET', KEYS[1], 'finalized_by') ~= ARGV[4] then return 0 end
  outcome = 2
else
  redis.call('HSET', KEYS[1], 'status', ARGV[1], ARGV[2], ARGV[3], 'finished_at', ARGV[5],
    'updated_at', ARGV[5], 'finalized_by', ARGV[4])
  if tonumber(ARGV[7]) > 0 then redis.call('HINCRBYFLOAT', KEYS[1], 'cost_usd', ARGV[7]) end
  if ARGV[13] ~= '1' then redis.call('ZREM', KEYS[2], ARGV[6]) end
  -- A terminal job has only terminal attempts: one still marked running lost its process (or
  -- was overtaken by the deadline); its own outcome, should it still come, overwrites this.
  local attempts = redis.call('HGETALL', KEYS[3])
  for i = 1, #attempts, 2 do
    local attempt = cjson.decode(attempts[i + 1])
    if attempt.status == 'running' then
      attempt.status = 'failed'
      attempt.error = { type = 'attempt_abandoned', message = ARGV[9] }
      redis.call('HSET', KEYS[3], attempts[i], cjson.encode(attempt))
    end
  end
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[11], '*', 'event', ARGV[10],
    'data', cjson.encode({status = ARGV[1]}))
  redis.call('EXPIRE', KEYS[4], ARGV[12])
end
if ARGV[8] ~= '' then redis.call('PUBLISH', ARGV[8], ARGV[6]) end
return outcome
`,
  4,
);

// queued -> running on the first attempt; returns the whole record (after the transition), so an
// attempt learns in one round trip both what to run and whether its hop may still run.
const BEGIN_ATTEMPT = new RedisScript(
  'switchyardJobBeginAttempt',
  `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {} end
if status == 'queued' then
  redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[1], 'updated_at', ARGV[1])
end
return redis.call('HGETALL', KEYS[1])
`,
  1,
);

// One command instead of MULTI/HSET/EXPIRE/EXEC: attempt records are written twice per attempt.
// ARGV[4] = '1' marks a running record: one that arrives after the job ended (the deadline
// sweeper or a cancel got there first) is not written, so a terminal job never shows it running.
// A record is not written when it can only be stale: a `running` mark for a job that already
// ended, or an outcome other than success over a hop.try that succeeded (two processes ran the
// same try after a lock lapsed; the job's result is the success, so its record must stay).
// ARGV[6], when not empty, is the attempt's ledger row: it joins the ledger outbox (KEYS[3], a
// stream) in this same step, so no crash can leave an ended attempt without its row waiting to
// be stored. A full outbox (ARGV[7] entries) refuses the row and counts it (KEYS[4]).
// KEYS: attempts hash, job, ledger outbox, outbox overflow counter.
// ARGV: hop.try, record JSON, retention s, '1' if running, status, ledger row JSON, outbox cap.
const PUT_ATTEMPT = new RedisScript(
  'switchyardJobPutAttempt',
  `
if ARGV[4] == '1' then
  local status = redis.call('HGET', KEYS[2], 'status')
  if status == 'succeeded' or status == 'failed' or status == 'cancelled' then return 0 end
end
if ARGV[5] ~= 'succeeded' then
  local current = redis.call('HGET', KEYS[1], ARGV[1])
  if current and cjson.decode(current).status == 'succeeded' then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
if ARGV[6] ~= '' then
  if redis.call('XLEN', KEYS[3]) < tonumber(ARGV[7]) then
    redis.call('XADD', KEYS[3], '*', 'row', ARGV[6])
  else
    redis.call('INCR', KEYS[4])
  end
end
return 1
`,
  4,
);

/** What an attempt still marked running becomes when its job ends (see FINALIZE). */
export const ABANDONED_ATTEMPT_MESSAGE =
  'the job ended while this attempt was marked running (its process stopped, or the job was ' +
  'cancelled or ran out of time first)';

// Create-if-absent in one step: of two requests racing with one Idempotency-Key only the first
// writes the job; a later write must never reset a job that already ran back to queued.
// KEYS: job, tenant index, active index. ARGV: retention s, created ms, index cutoff ms,
// deadline ms, id, then the record's field/value pairs.
const CREATE_JOB = new RedisScript(
  'switchyardJobCreate',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
-- The index lives as long as its newest job: a tenant that goes quiet leaves nothing behind.
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
return 1
`,
  3,
);

const ADVANCE_HOP = new RedisScript(
  'switchyardJobAdvanceHop',
  `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status == 'succeeded' or status == 'failed' or status == 'cancelled' then return 0 end
local hop = tonumber(redis.call('HGET', KEYS[1], 'current_hop') or '0')
if hop < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'current_hop', ARGV[1], 'updated_at', ARGV[2])
end
return 1
`,
  1,
);

export type FinalizeOutcome =
  'finalized' | 'already_finalized_by_me' | 'already_terminal' | 'missing';

export interface FinalizeOptions {
  /** Publish the end on the completion channel in the same step (see JobCompletionChannel). */
  announce?: boolean;
  /** Leave the job in the active index; the caller drops it (forgetActive) once it is announced. */
  keepActive?: boolean;
  now?: Date;
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
export function ledgerOutboxKeys(prefix: string): { stream: string; overflow: string } {
  return { stream: `${prefix}:ledger:outbox`, overflow: `${prefix}:ledger:outbox:overflow` };
}

export class JobStore {
  private readonly ledgerOutboxMaxEntries: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds: number,
    options: JobStoreOptions = {},
  ) {
    this.ledgerOutboxMaxEntries =
      options.ledgerOutboxMaxEntries ?? DEFAULT_LEDGER_OUTBOX_MAX_ENTRIES;
  }

  jobKey(id: string): string {
    return `${this.prefix}:job:${id}`;
  }

  private attemptsKey(id: string): string {
    return `${this.prefix}:job:${id}:attempts`;
  }

  /** Every unfinished job, scored by deadline: the router's sweeper ends any job left behind. */
  private get activeKey(): string {
    return `${this.prefix}:active`;
  }

  private tenantIndexKey(tenant: string): string {
    return `${this.prefix}:tenant:${tenant}:jobs`;
  }

  /** Writes the job unless one with its id exists; false when it did (the caller then replays it). */
  async create(job: JobRecord): Promise<boolean> {
    const key = this.jobKey(job.id);
    const createdMs = Date.parse(job.created_at);
    const fields: Record<string, string> = {
      id: job.id,
      tenant: job.tenant,
      task: job.task,
      status: job.status,
      request: JSON.stringify(job.request),
      plan: JSON.stringify(job.plan),
      deadline_at: String(job.deadline_at),
      cost_usd: '0',
      current_hop: String(job.current_hop),
      created_at: job.created_at,
      updated_at: job.updated_at,
    };
    if (job.max_cost_usd !== undefined) fields.max_cost_usd = String(job.max_cost_usd);
    if (job.trace_id) fields.trace_id = job.trace_id;
    if (job.trace) fields.trace = JSON.stringify(job.trace);
    if (job.pin) fields.pin = job.pin;
    if (job.eval_run_id) fields.eval_run_id = job.eval_run_id;
    if (job.cache_key) fields.cache_key = job.cache_key;
    if (job.cache_hit_of) fields.cache_hit_of = job.cache_hit_of;
    const created = await CREATE_JOB.run(
      this.redis,
      key,
      this.tenantIndexKey(job.tenant),
      this.activeKey,
      this.retentionSeconds,
      createdMs,
      createdMs - this.retentionSeconds * 1000,
      job.deadline_at,
      job.id,
      ...Object.entries(fields).flat(),
    );
    return created === 1;
  }

  async get(id: string): Promise<JobRecord | null> {
    const raw = await this.redis.hgetall(this.jobKey(id));
    return raw.id ? parseJob(raw) : null;
  }

  async getMany(ids: string[]): Promise<Array<JobRecord | null>> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.jobKey(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, raw]) => {
      if (err) throw err;
      const hash = raw as Record<string, string>;
      return hash.id ? parseJob(hash) : null;
    });
  }

  async attempts(id: string): Promise<AttemptRecord[]> {
    return parseAttempts(await this.redis.hgetall(this.attemptsKey(id)));
  }

  /** The job and its attempts in one round trip (what a job view needs). */
  async getWithAttempts(id: string): Promise<{ job: JobRecord | null; attempts: AttemptRecord[] }> {
    const [[jobErr, job], [attemptsErr, attempts]] = ((await this.redis
      .pipeline()
      .hgetall(this.jobKey(id))
      .hgetall(this.attemptsKey(id))
      .exec()) ?? []) as Array<[Error | null, Record<string, string>]>;
    if (jobErr || attemptsErr) throw jobErr ?? attemptsErr;
    return { job: job.id ? parseJob(job) : null, attempts: parseAttempts(attempts) };
  }

  /**
   * Records the attempt; `ledgerRow` (its call's ledger row, serialised) joins the ledger outbox
   * in the same step, and only when the record itself is written. Returns false when the record
   * was not written (it could only be stale, see PUT_ATTEMPT).
   */
  async putAttempt(id: string, attempt: AttemptRecord, ledgerRow?: string): Promise<boolean> {
    const outbox = ledgerOutboxKeys(this.prefix);
    const written = await PUT_ATTEMPT.run(
      this.redis,
      this.attemptsKey(id),
      this.jobKey(id),
      outbox.stream,
      outbox.overflow,
      `${attempt.hop}.${attempt.try}`,
      JSON.stringify(attempt),
      this.retentionSeconds,
      attempt.status === 'running' ? '1' : '0',
      attempt.status,
      ledgerRow ?? '',
      this.ledgerOutboxMaxEntries,
    );
    return written === 1;
  }

  /**
   * Marks the job running (if it was queued) and returns its record as it is now; the record's
   * status and current_hop tell a stale hop to stand down. Null when the job does not exist.
   */
  async beginAttempt(id: string, now = new Date()): Promise<JobRecord | null> {
    const flat = (await BEGIN_ATTEMPT.run(this.redis, this.jobKey(id), now.toISOString())) as
      string[] | null;
    if (!flat || flat.length === 0) return null;
    const raw: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) raw[flat[i]] = flat[i + 1];
    return raw.id ? parseJob(raw) : null;
  }

  /** Returns false when the job already ended (nothing should be enqueued for it). */
  async advanceHop(id: string, hop: number, now = new Date()): Promise<boolean> {
    const r = await ADVANCE_HOP.run(this.redis, this.jobKey(id), String(hop), now.toISOString());
    return r === 1;
  }

  async addCost(id: string, usd: number): Promise<void> {
    if (usd <= 0) return;
    await this.redis.hincrbyfloat(this.jobKey(id), 'cost_usd', usd);
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
    return this.finalize(id, 'cancelled', 'error', JSON.stringify(error), 'cancel', options);
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
    const r = await FINALIZE.run(
      this.redis,
      this.jobKey(id),
      this.activeKey,
      this.attemptsKey(id),
      jobEventsKey(this.prefix, id),
      status,
      field,
      value,
      finalizer,
      (options.now ?? new Date()).toISOString(),
      id,
      String(costUsd > 0 ? costUsd : 0),
      options.announce ? jobDoneChannel(this.prefix) : '',
      ABANDONED_ATTEMPT_MESSAGE,
      terminalEventFor(status),
      JOB_EVENTS_MAX_LEN,
      this.retentionSeconds,
      options.keepActive ? '1' : '0',
    );
    if (r === 1) return 'finalized';
    if (r === 2) return 'already_finalized_by_me';
    if (r === 0) return 'already_terminal';
    return 'missing';
  }

  /** Unfinished jobs whose deadline passed before `beforeMs`. */
  async overdue(beforeMs: number, limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(this.activeKey, '-inf', beforeMs, 'LIMIT', 0, limit);
  }

  /** Drops an id from the active index (its record expired or vanished). */
  async forgetActive(id: string): Promise<void> {
    await this.redis.zrem(this.activeKey, id);
  }

  /**
   * Newest first. Filters are applied while walking the tenant's index, a batch at a time. Each
   * batch starts below the last (score, id) seen rather than at an offset, so jobs created while
   * a page is being read (they land on top) cannot shift an entry into the page twice.
   */
  async list(tenant: string, filter: JobListFilter): Promise<JobListPage> {
    const index = this.tenantIndexKey(tenant);
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

/** Index order is score descending, then id descending (ZREVRANGEBYSCORE): is `e` after `bound`? */
function isBelow(e: { id: string; score: number }, bound: { id: string; score: number }): boolean {
  return e.score < bound.score || (e.score === bound.score && e.id < bound.id);
}

function encodeCursor(c: { id: string; score: number }): string {
  return Buffer.from(`${c.score}:${c.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { id: string; score: number } {
  const text = Buffer.from(cursor, 'base64url').toString();
  const sep = text.indexOf(':');
  const score = Number(text.slice(0, sep));
  if (sep <= 0 || !Number.isFinite(score)) throw new InvalidCursorError();
  return { score, id: text.slice(sep + 1) };
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
  }
}

function parseAttempts(raw: Record<string, string>): AttemptRecord[] {
  return Object.values(raw)
    .map((v) => JSON.parse(v) as AttemptRecord)
    .sort((a, b) => a.hop - b.hop || a.try - b.try);
}

function parseJob(raw: Record<string, string>): JobRecord {
  return {
    id: raw.id,
    tenant: raw.tenant,
    task: raw.task,
    status: raw.status as JobStatus,
    request: JSON.parse(raw.request),
    plan: JSON.parse(raw.plan),
    deadline_at: Number(raw.deadline_at),
    max_cost_usd: raw.max_cost_usd === undefined ? undefined : Number(raw.max_cost_usd),
    cost_usd: Number(raw.cost_usd ?? 0),
    current_hop: Number(raw.current_hop ?? 0),
    result: raw.result ? JSON.parse(raw.result) : undefined,
    error: raw.error ? JSON.parse(raw.error) : undefined,
    trace_id: raw.trace_id || undefined,
    trace: raw.trace ? JSON.parse(raw.trace) : undefined,
    created_at: raw.created_at,
    updated_at: raw.updated_at,
    started_at: raw.started_at || undefined,
    finished_at: raw.finished_at || undefined,
    finalized_by: raw.finalized_by || undefined,
    pin: raw.pin || undefined,
    eval_run_id: raw.eval_run_id || undefined,
    cache_key: raw.cache_key || undefined,
    cache_hit_of: raw.cache_hit_of || undefined,
  };
}
