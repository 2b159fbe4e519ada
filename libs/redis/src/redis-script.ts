import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';

export type ScriptArg = string | number;

/**
 * A Lua script with its keys and arguments named. The Lua reads them by name, `KEY.job`,
 * `ARG.now` (a prelude maps the names onto KEYS[i] and ARGV[i] in the declared order), and the
 * caller passes them by name, so neither side depends on an order described in prose.
 * `rest` names a variadic tail of arguments after the declared ones; the Lua reads it from
 * ARGV[REST_FROM] on. `restKeys` names a variadic tail of keys (one script over many circuits);
 * the Lua reads it from KEYS[KEY_REST_FROM] on.
 */
export interface ScriptDefinition<K extends string, A extends string> {
  name: string;
  keys: readonly K[];
  args: readonly A[];
  rest?: string;
  restKeys?: string;
  lua: string;
  /** Reads only: allowed on replicas, never retried as a write. */
  readOnly?: boolean;
}

export interface ScriptCall<K extends string, A extends string> {
  keys: Record<K, string>;
  args: Record<A, ScriptArg>;
  rest?: readonly ScriptArg[];
  restKeys?: readonly string[];
}

const LUA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Lua's reserved words: `ARG.until` would not compile, and Redis says so only at the first call. */
const LUA_RESERVED = new Set(
  'and break do else elseif end false for function goto if in local nil not or repeat return then true until while'.split(
    ' ',
  ),
);

/** The Lua that binds the declared names, ahead of the script's own text. */
export function scriptPrelude(definition: {
  keys: readonly string[];
  args: readonly string[];
  rest?: string;
  restKeys?: string;
}): string {
  for (const name of [...definition.keys, ...definition.args]) {
    if (!LUA_NAME.test(name) || LUA_RESERVED.has(name)) {
      throw new Error(`Redis script name "${name}" is not a Lua name`);
    }
  }
  const bind = (names: readonly string[], from: string): string =>
    names.map((n, i) => `${n} = ${from}[${i + 1}]`).join(', ');
  const lines = [
    `local KEY = {${bind(definition.keys, 'KEYS')}}`,
    `local ARG = {${bind(definition.args, 'ARGV')}}`,
  ];
  if (definition.rest !== undefined) lines.push(`local REST_FROM = ${definition.args.length + 1}`);
  if (definition.restKeys !== undefined) {
    lines.push(`local KEY_REST_FROM = ${definition.keys.length + 1}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A declared script registered on an ioredis connection with defineCommand, which sends EVALSHA
 * (the script text crosses the wire once per connection, not on every call) and falls back to
 * EVAL when Redis has not seen it (restart, SCRIPT FLUSH). defineCommand adds untyped methods to
 * the connection and to its pipelines; the casts that needs are kept in this one place.
 */
export class RedisScript<K extends string, A extends string> {
  readonly name: string;
  /** The text Redis runs: the prelude binding the names, then the script. */
  readonly lua: string;

  constructor(private readonly definition: ScriptDefinition<K, A>) {
    this.name = definition.name;
    this.lua = scriptPrelude(definition) + definition.lua;
  }

  /** Runs the script on `redis`, registering it there first if this connection lacks it. */
  run(redis: Redis, call: ScriptCall<K, A>): Promise<unknown> {
    this.defineOn(redis);
    return this.method(redis)(...this.positional(call)) as Promise<unknown>;
  }

  /** Queues the script on a pipeline made from a connection `run` or `defineOn` has seen. */
  queue(pipeline: ChainableCommander, call: ScriptCall<K, A>): void {
    this.method(pipeline)(...this.positional(call));
  }

  /** Several stores may share a connection; the script text is the same, so define it once. */
  defineOn(redis: Redis): void {
    if (typeof lookup(redis, this.name) === 'function') return;
    redis.defineCommand(this.name, {
      lua: this.lua,
      // Without a count ioredis takes it from the call (see positional) when keys vary.
      ...(this.definition.restKeys === undefined && { numberOfKeys: this.definition.keys.length }),
      readOnly: this.definition.readOnly ?? false,
    });
  }

  /** KEYS then ARGV in the declared order, each followed by its variadic tail. */
  private positional(call: ScriptCall<K, A>): ScriptArg[] {
    const out: ScriptArg[] = [];
    const restKeys = call.restKeys ?? [];
    if (this.definition.restKeys !== undefined) {
      out.push(this.definition.keys.length + restKeys.length);
    }
    for (const k of this.definition.keys) out.push(call.keys[k]);
    out.push(...restKeys);
    for (const a of this.definition.args) out.push(call.args[a]);
    if (call.rest) out.push(...call.rest);
    return out;
  }

  private method(target: object): (...args: ScriptArg[]) => unknown {
    const fn = lookup(target, this.name);
    if (typeof fn !== 'function') throw new Error(`Redis script ${this.name} is not defined`);
    return (...args) => (fn as (...a: ScriptArg[]) => unknown).apply(target, args);
  }
}

/** Declares a script; `keys` and `args` are inferred as literal names the call must supply. */
export function defineScript<const K extends string, const A extends string>(
  definition: ScriptDefinition<K, A>,
): RedisScript<K, A> {
  return new RedisScript(definition);
}

function lookup(target: object, name: string): unknown {
  return (target as Record<string, unknown>)[name];
}
