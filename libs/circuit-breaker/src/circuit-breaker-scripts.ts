import type Redis from 'ioredis';
import { RedisScript, type ScriptArg } from '@switchyard/redis';
import type { CircuitKeys } from './circuit-breaker-keys';
import { ACQUIRE_LUA, RECORD_LUA, SNAPSHOT_LUA } from './circuit-breaker.lua';

export type { ScriptArg };

const ACQUIRE = new RedisScript('switchyardCircuitAcquire', ACQUIRE_LUA, 1);
const RECORD = new RedisScript('switchyardCircuitRecord', RECORD_LUA, 2);
const SNAPSHOT = new RedisScript('switchyardCircuitSnapshot', SNAPSHOT_LUA, 2, true);

/** The breaker's Lua scripts on one connection (EVALSHA after the first call). */
export class CircuitBreakerScripts {
  constructor(private readonly redis: Redis) {
    for (const script of [ACQUIRE, RECORD, SNAPSHOT]) script.defineOn(redis);
  }

  acquire(keys: CircuitKeys, args: ScriptArg[]): Promise<unknown> {
    return ACQUIRE.run(this.redis, keys.state, ...args);
  }

  record(keys: CircuitKeys, args: ScriptArg[]): Promise<unknown> {
    return RECORD.run(this.redis, keys.state, keys.window, ...args);
  }

  /** One pipelined round trip for any number of circuits; rejects if any of them failed. */
  async snapshots(keys: CircuitKeys[], args: ScriptArg[]): Promise<unknown[]> {
    const pipeline = this.redis.pipeline();
    for (const k of keys) SNAPSHOT.queue(pipeline, k.state, k.window, ...args);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, reply]) => {
      if (err) throw err;
      return reply;
    });
  }
}
