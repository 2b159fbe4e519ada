import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';

export type ScriptArg = string | number;

/**
 * A Lua script registered on an ioredis connection with defineCommand, which sends EVALSHA (the
 * script text crosses the wire once per connection, not on every call) and falls back to EVAL
 * when Redis has not seen it (restart, SCRIPT FLUSH). defineCommand adds untyped methods to the
 * connection and to its pipelines; the casts that needs are kept in this one place.
 */
export class RedisScript {
  constructor(
    private readonly name: string,
    private readonly lua: string,
    private readonly numberOfKeys: number,
    private readonly readOnly = false,
  ) {}

  /** Runs the script on `redis`, registering it there first if this connection lacks it. */
  run(redis: Redis, ...args: ScriptArg[]): Promise<unknown> {
    this.defineOn(redis);
    return this.method(redis)(...args) as Promise<unknown>;
  }

  /** Queues the script on a pipeline made from a connection `run` or `defineOn` has seen. */
  queue(pipeline: ChainableCommander, ...args: ScriptArg[]): void {
    this.method(pipeline)(...args);
  }

  /** Several stores may share a connection; the script text is the same, so define it once. */
  defineOn(redis: Redis): void {
    if (typeof lookup(redis, this.name) === 'function') return;
    redis.defineCommand(this.name, {
      lua: this.lua,
      numberOfKeys: this.numberOfKeys,
      readOnly: this.readOnly,
    });
  }

  private method(target: object): (...args: ScriptArg[]) => unknown {
    const fn = lookup(target, this.name);
    if (typeof fn !== 'function') throw new Error(`Redis script ${this.name} is not defined`);
    return (...args) => (fn as (...a: ScriptArg[]) => unknown).apply(target, args);
  }
}

function lookup(target: object, name: string): unknown {
  return (target as Record<string, unknown>)[name];
}
