import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/**
 * Tests share the machine's Redis with other projects, so each test file gets its own key
 * prefixes (for Switchyard's keys and for BullMQ's) and deletes exactly those keys afterwards.
 */
export interface TestRedis {
  url: string;
  redis: Redis;
  /** For SWITCHYARD_REDIS_PREFIX */
  prefix: string;
  /** For SWITCHYARD_QUEUE_PREFIX / BullMQ's `prefix` option */
  queuePrefix: string;
  cleanup(): Promise<void>;
}

export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** `url` defaults to the machine's shared Redis; resilience suites pass a private redis-server's. */
export function createTestRedis(label = 'test', url = TEST_REDIS_URL): TestRedis {
  const id = `${label}-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const prefix = `syt-${id}`;
  const queuePrefix = `bullt-${id}`;
  return {
    url,
    redis,
    prefix,
    queuePrefix,
    async cleanup() {
      await deleteKeys(redis, `${prefix}:*`);
      await deleteKeys(redis, `${queuePrefix}:*`);
      redis.disconnect();
    },
  };
}
