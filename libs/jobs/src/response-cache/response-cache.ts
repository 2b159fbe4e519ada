import type Redis from 'ioredis';
import type { JobResult } from '../job.types';

/**
 * The largest answer stored, as its JSON entry in bytes (UTF-8). An answer over it is served as
 * usual but not cached: one huge entry should not push out many small ones, and a lookup should
 * never move a megabyte through Redis.
 */
export const CACHE_ENTRY_MAX_BYTES = 256 * 1024;

/** What the cache keeps of a successful job: its result, and which job produced it. */
export interface CachedAnswer {
  job_id: string;
  result: JobResult;
  stored_at: string;
}

export type CacheStoreOutcome = { stored: true; bytes: number } | { stored: false; bytes: number };

/**
 * Response cache entries in Redis: `<prefix>:cache:<key>` holding a CachedAnswer as JSON, expiring
 * after the task's `cache.ttl_s`. Only the worker that finished a job successfully writes one (the
 * result was schema-checked already); the ingress reads.
 */
export class ResponseCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxEntryBytes = CACHE_ENTRY_MAX_BYTES,
  ) {}

  /** The stored answer and its size, or null. An entry that does not parse counts as absent. */
  async get(key: string): Promise<{ answer: CachedAnswer; bytes: number } | null> {
    const raw = await this.redis.get(this.redisKey(key));
    if (raw === null) return null;
    try {
      const answer = JSON.parse(raw) as CachedAnswer;
      if (typeof answer?.job_id !== 'string' || !answer.result) return null;
      return { answer, bytes: Buffer.byteLength(raw) };
    } catch {
      return null;
    }
  }

  /** Stores the answer for ttlSeconds, unless its entry is over the size cap. */
  async put(
    key: string,
    jobId: string,
    result: JobResult,
    ttlSeconds: number,
    now = new Date(),
  ): Promise<CacheStoreOutcome> {
    const entry: CachedAnswer = { job_id: jobId, result, stored_at: now.toISOString() };
    const raw = JSON.stringify(entry);
    const bytes = Buffer.byteLength(raw);
    if (bytes > this.maxEntryBytes) return { stored: false, bytes };
    await this.redis.set(this.redisKey(key), raw, 'EX', ttlSeconds);
    return { stored: true, bytes };
  }

  private redisKey(key: string): string {
    return `${this.prefix}:cache:${key}`;
  }
}

/**
 * The result a cache hit answers with: the original answer, its provider and model revision, at no
 * cost, marked as cached and naming the job whose call produced it.
 */
export function cachedResult(answer: CachedAnswer): JobResult {
  return {
    ...answer.result,
    cost_usd: 0,
    latency_ms: 0,
    cached: true,
    cache_hit_of: answer.job_id,
  };
}
