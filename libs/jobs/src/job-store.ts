import type Redis from 'ioredis';
import { RedisScript } from '@switchyard/queue';
import { jobDoneChannel } from './job-completion-channel';
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
  redis.call('ZREM', KEYS[2], ARGV[6])
end
if ARGV[8] ~= '' then redis.call('PUBLISH', ARGV[8], ARGV[6]) end
return outcome
`,
  2,
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
const PUT_ATTEMPT = new RedisScript(
  'switchyardJobPutAttempt',
  `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
`,
  1,
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
  now?: Date;
}

export interface JobListFilter {
  task?: string;
  status?: JobStatus;
  limit: number;
  /** Opaque cursor from a previous page */
  cursor?: string;
}

export interface JobListPage {
  jobs: JobRecord[];
  next_cursor: string | null;
}

export class JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds: number,
  ) {}

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

  async create(job: JobRecord): Promise<void> {
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
    const index = this.tenantIndexKey(job.tenant);
    await this.redis
      .multi()
      .hset(key, fields)
      .expire(key, this.retentionSeconds)
      .zadd(index, createdMs, job.id)
      .zremrangebyscore(index, '-inf', createdMs - this.retentionSeconds * 1000)
      .zadd(this.activeKey, job.deadline_at, job.id)
      .exec()
      .then(assertExecOk);
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

  async putAttempt(id: string, attempt: AttemptRecord): Promise<void> {
    await PUT_ATTEMPT.run(
      this.redis,
      this.attemptsKey(id),
      `${attempt.hop}.${attempt.try}`,
      JSON.stringify(attempt),
      this.retentionSeconds,
    );
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
      status,
      field,
      value,
      finalizer,
      (options.now ?? new Date()).toISOString(),
      id,
      String(costUsd > 0 ? costUsd : 0),
      options.announce ? jobDoneChannel(this.prefix) : '',
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

  /** Newest first. Filters are applied while walking the tenant's index, a page at a time. */
  async list(tenant: string, filter: JobListFilter): Promise<JobListPage> {
    const index = this.tenantIndexKey(tenant);
    let max = '+inf';
    let skipUntilPast: string | undefined;
    if (filter.cursor) {
      const decoded = decodeCursor(filter.cursor);
      max = String(decoded.score);
      skipUntilPast = decoded.id;
    }
    const jobs: JobRecord[] = [];
    const batch = Math.max(filter.limit * 2, 50);
    let offset = 0;
    let lastSeen: { id: string; score: number } | undefined;
    for (;;) {
      const page = await this.redis.zrevrangebyscore(
        index,
        max,
        '-inf',
        'WITHSCORES',
        'LIMIT',
        offset,
        batch,
      );
      if (page.length === 0) return { jobs, next_cursor: null };
      offset += page.length / 2;
      const entries: Array<{ id: string; score: number }> = [];
      for (let i = 0; i < page.length; i += 2)
        entries.push({ id: page[i], score: Number(page[i + 1]) });
      const records = await this.getMany(entries.map((e) => e.id));
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        if (skipUntilPast !== undefined) {
          // Entries with the cursor's score up to and including the cursor's id were on the last page.
          if (entry.id === skipUntilPast) skipUntilPast = undefined;
          continue;
        }
        lastSeen = entry;
        const job = records[i];
        if (!job) continue;
        if (filter.task && job.task !== filter.task) continue;
        if (filter.status && job.status !== filter.status) continue;
        jobs.push(job);
        if (jobs.length === filter.limit) {
          return { jobs, next_cursor: encodeCursor(lastSeen) };
        }
      }
    }
  }
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

function assertExecOk(results: Array<[Error | null, unknown]> | null): void {
  if (!results) throw new Error('Redis transaction aborted');
  for (const [err] of results) if (err) throw err;
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
  };
}
