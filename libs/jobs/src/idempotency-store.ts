import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { jobKeys } from './job-keys';

export type IdempotencyClaim =
  | { outcome: 'new'; jobId: string }
  | { outcome: 'existing'; jobId: string }
  | { outcome: 'conflict'; jobId: string };

const TTL_SECONDS = 24 * 3600;

/**
 * Idempotency-Key handling. The job id is reserved under the key *before* the job is created, so
 * two concurrent requests with one key can never both create a job, and a crash between the claim
 * and the creation leaves a claim whose job the retry then creates under the same id.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  static fingerprint(task: string, body: unknown): string {
    return createHash('sha256').update(task).update('\0').update(stableJson(body)).digest('hex');
  }

  async claim(
    tenant: string,
    key: string,
    fingerprint: string,
    candidateId: string,
  ): Promise<IdempotencyClaim> {
    const redisKey = jobKeys(this.prefix).idempotency(
      tenant,
      createHash('sha256').update(key).digest('hex'),
    );
    const value = `${fingerprint}|${candidateId}`;
    const set = await this.redis.set(redisKey, value, 'EX', TTL_SECONDS, 'NX');
    if (set === 'OK') return { outcome: 'new', jobId: candidateId };
    const existing = await this.redis.get(redisKey);
    if (!existing) {
      // Expired between the two calls: claim again.
      return this.claim(tenant, key, fingerprint, candidateId);
    }
    const [storedFingerprint, jobId] = existing.split('|');
    return storedFingerprint === fingerprint
      ? { outcome: 'existing', jobId }
      : { outcome: 'conflict', jobId };
  }
}

/** JSON with sorted object keys, so semantically equal bodies hash equally. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
