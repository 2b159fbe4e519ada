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

export function createRedisClient(url: string, role: RedisRole, name?: string): Redis {
  const client = new Redis(url, { ...redisOptionsFor(role), connectionName: name });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash the process.
  client.on('error', () => undefined);
  return client;
}
