import type Redis from 'ioredis';
import type { CircuitKeys } from './circuit-breaker-keys';
import { ACQUIRE_LUA, RECORD_LUA, SNAPSHOT_LUA } from './circuit-breaker.lua';

export type ScriptArg = string | number;
type ScriptCommand = (...args: ScriptArg[]) => unknown;

const ACQUIRE = 'switchyardCircuitAcquire';
const RECORD = 'switchyardCircuitRecord';
const SNAPSHOT = 'switchyardCircuitSnapshot';

/**
 * The breaker's Lua scripts registered on one ioredis connection via defineCommand, which sends
 * EVALSHA and falls back to EVAL when Redis has not seen the script (restart, SCRIPT FLUSH).
 * defineCommand adds untyped methods, hence the narrow casts kept in this one place.
 */
export class CircuitBreakerScripts {
  constructor(private readonly redis: Redis) {
    this.define(ACQUIRE, ACQUIRE_LUA, 1, false);
    this.define(RECORD, RECORD_LUA, 2, false);
    this.define(SNAPSHOT, SNAPSHOT_LUA, 2, true);
  }

  acquire(keys: CircuitKeys, args: ScriptArg[]): Promise<unknown> {
    return this.command(this.redis, ACQUIRE)(keys.state, ...args) as Promise<unknown>;
  }

  record(keys: CircuitKeys, args: ScriptArg[]): Promise<unknown> {
    return this.command(this.redis, RECORD)(keys.state, keys.window, ...args) as Promise<unknown>;
  }

  /** One pipelined round trip for any number of circuits; rejects if any of them failed. */
  async snapshots(keys: CircuitKeys[], args: ScriptArg[]): Promise<unknown[]> {
    const pipeline = this.redis.pipeline();
    for (const k of keys) this.command(pipeline, SNAPSHOT)(k.state, k.window, ...args);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, reply]) => {
      if (err) throw err;
      return reply;
    });
  }

  private define(name: string, lua: string, numberOfKeys: number, readOnly: boolean): void {
    // Several breakers may share a connection; the script text is the same, so define it once.
    if (typeof this.lookup(this.redis, name) === 'function') return;
    this.redis.defineCommand(name, { lua, numberOfKeys, readOnly });
  }

  private command(target: object, name: string): ScriptCommand {
    const fn = this.lookup(target, name);
    if (typeof fn !== 'function') throw new Error(`circuit breaker: script ${name} not defined`);
    return (...args) => (fn as ScriptCommand).apply(target, args);
  }

  private lookup(target: object, name: string): unknown {
    return (target as Record<string, unknown>)[name];
  }
}
