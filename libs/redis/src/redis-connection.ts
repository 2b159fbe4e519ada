import Redis, { type RedisOptions } from 'ioredis';

/**
 * Producers (the ingress, anything answering an HTTP request) must fail fast while Redis is down
 * so the caller gets a 503 instead of a hung request; consumers (BullMQ workers, subscribers) must
 * wait and reconnect forever, which is what BullMQ requires of them.
 */
export type RedisRole = 'producer' | 'consumer';

export function redisOptionsFor(role: RedisRole): RedisOptions {
  const reconnect: RedisOptions = {
    retryStrategy: (times) => Math.min(100 * times, 2000),
    connectTimeout: 5000,
  };
  if (role === 'producer') {
    return { ...reconnect, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  }
  return { ...reconnect, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

/**
 * `commandTimeoutMs` bounds the wait for any one reply; only for connections that never block
 * (the stores' and the queue producers'), never a BullMQ Worker's, whose blocking reads wait on
 * purpose and which needs maxRetriesPerRequest null.
 */
export function createRedisClient(
  url: string,
  role: RedisRole,
  name?: string,
  commandTimeoutMs?: number,
): Redis {
  const client = new Redis(url, {
    ...redisOptionsFor(role),
    connectionName: name,
    commandTimeout: commandTimeoutMs,
  });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash the process.
  client.on('error', () => undefined);
  return client;
}

/**
 * A connection of its own for one blocking read loop (XREAD BLOCK): a copy of `client` without
 * its command timeout, since waiting is the point. A copy of a store connection would inherit the
 * store's few-second timeout and fail every wait longer than that.
 */
export function blockingDuplicate(client: Redis): Redis {
  const copy = client.duplicate({ commandTimeout: undefined });
  copy.on('error', () => undefined);
  return copy;
}

/**
 * Sends every command `issue` starts synchronously (before its first await) in one socket write
 * instead of one write per command; each command still gets its own reply. A write is a system
 * call that also wakes Redis (`npm run bench` on a 2-core host puts it at up to ≈ 0.05 ms of CPU;
 * see the README's Performance section). Commands on one connection keep their order either way.
 */
export function inOneWrite<T>(redis: Redis, issue: () => T): T {
  // Before 'ready' ioredis queues commands itself and the stream may not exist yet.
  const stream = redis.status === 'ready' ? redis.stream : undefined;
  stream?.cork();
  try {
    return issue();
  } finally {
    stream?.uncork();
  }
}
