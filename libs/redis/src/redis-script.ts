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

  /**
   * Runs the script on `redis`, registering it there first if this connection lacks it. Inside
   * `inOneScript` on the same connection the run joins the gathered script instead.
   */
  run(redis: Redis, call: ScriptCall<K, A>): Promise<unknown> {
    const gathered = gathering?.redis === redis ? gathering : undefined;
    if (gathered) return gathered.add(this, call, this.layout(call));
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
    const { keys, args } = this.layout(call);
    return this.definition.restKeys === undefined
      ? [...keys, ...args]
      : [keys.length, ...keys, ...args];
  }

  private layout(call: ScriptCall<K, A>): { keys: string[]; args: ScriptArg[] } {
    const keys = this.definition.keys.map((k) => call.keys[k]);
    if (call.restKeys) keys.push(...call.restKeys);
    const args = this.definition.args.map((a) => call.args[a]);
    if (call.rest) args.push(...call.rest);
    return { keys, args };
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

/** One script run waiting in `inOneScript` for the gathered script's reply. */
interface GatheredRun {
  script: RedisScript<string, string>;
  call: ScriptCall<string, string>;
  keys: string[];
  args: ScriptArg[];
  resolve: (reply: unknown) => void;
  reject: (err: Error) => void;
}

class ScriptGathering {
  readonly runs: GatheredRun[] = [];

  constructor(readonly redis: Redis) {}

  add<K extends string, A extends string>(
    script: RedisScript<K, A>,
    call: ScriptCall<K, A>,
    layout: { keys: string[]; args: ScriptArg[] },
  ): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.runs.push({
        script: script as unknown as RedisScript<string, string>,
        call: call as unknown as ScriptCall<string, string>,
        ...layout,
        resolve,
        reject,
      });
    });
  }
}

let gathering: ScriptGathering | undefined;

/**
 * Runs every declared script that `issue` starts synchronously (before its first await) on
 * `redis` as one script: one command and one round trip instead of one per script, each run
 * still getting its own reply, or its own error, in the order issued. Each run's body is called
 * under `pcall`, so one that fails leaves the others applied, as separate scripts would. What is
 * not a declared script run on `redis` is not held: it leaves when issued, ahead of the gathered
 * script. Used where one state transition spans stores (an attempt's outcome: its events, the
 * circuits, the latency sample, the attempt record, the job's end).
 */
export function inOneScript<T>(redis: Redis, issue: () => T): T {
  if (gathering?.redis === redis) return issue(); // already gathering: join it
  const outer = gathering;
  const gathered = new ScriptGathering(redis);
  gathering = gathered;
  try {
    return issue();
  } finally {
    gathering = outer;
    sendGathered(gathered);
  }
}

function sendGathered({ redis, runs }: ScriptGathering): void {
  if (runs.length === 0) return;
  if (runs.length === 1) {
    // Nothing to compose: the script as it is (`gathering` no longer names this connection).
    const [only] = runs;
    only.script.run(redis, only.call).then(only.resolve, only.reject);
    return;
  }
  const composed = composedScript(runs.map((r) => r.script));
  composed.defineOn(redis);
  const keys = runs.flatMap((r) => r.keys);
  const layout = runs.flatMap((r) => [r.keys.length, r.args.length]);
  const args = runs.flatMap((r) => r.args);
  const method = lookup(redis, composed.name) as (...a: ScriptArg[]) => Promise<unknown>;
  method.call(redis, keys.length, ...keys, ...layout, ...args).then(
    (reply) => {
      const replies = reply as unknown[][];
      runs.forEach((run, i) => {
        const [ok, value] = replies[i] ?? [];
        if (ok === 1) run.resolve(value ?? null);
        else run.reject(new Error(`${run.script.name}: ${String(value)}`));
      });
    },
    (err: Error) => runs.forEach((run) => run.reject(err)),
  );
}

const composedScripts = new Map<string, ComposedScript>();

/** The scripts' composition, one per sequence of script names (a handful in a process). */
function composedScript(scripts: RedisScript<string, string>[]): ComposedScript {
  const name = `switchyardSteps_${scripts.map((s) => s.name).join('_')}`;
  let composed = composedScripts.get(name);
  if (!composed) {
    composed = new ComposedScript(name, composeScriptsLua(scripts.map((s) => s.lua)));
    composedScripts.set(name, composed);
  }
  return composed;
}

class ComposedScript {
  constructor(
    readonly name: string,
    readonly lua: string,
  ) {}

  defineOn(redis: Redis): void {
    if (typeof lookup(redis, this.name) === 'function') return;
    // No fixed key count: the caller passes it, since the runs' tails of keys vary.
    redis.defineCommand(this.name, { lua: this.lua });
  }
}

/**
 * One Lua script running each of `bodies` (a declared script's prelude and text) in turn as a
 * function of its own KEYS and ARGV, sliced from the composed call's: ARGV starts with each run's
 * key and argument counts. Each run's reply comes back as {1, reply} or {0, error message}.
 */
export function composeScriptsLua(bodies: readonly string[]): string {
  const steps = bodies
    .map((body, i) => `STEPS[${i + 1}] = function(KEYS, ARGV)\n${body}\nend`)
    .join('\n');
  return `local STEPS = {}
${steps}
local replies = {}
local keyAt, argAt = 0, 2 * #STEPS
for i = 1, #STEPS do
  local nk, na = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local keys, argv = {}, {}
  for j = 1, nk do keys[j] = KEYS[keyAt + j] end
  for j = 1, na do argv[j] = ARGV[argAt + j] end
  keyAt, argAt = keyAt + nk, argAt + na
  local ok, reply = pcall(STEPS[i], keys, argv)
  if ok then
    replies[i] = {1, reply}
  else
    -- redis.call raises a table {err = message}; a Lua error is a string.
    replies[i] = {0, type(reply) == 'table' and reply.err or tostring(reply)}
  end
end
return replies
`;
}

function lookup(target: object, name: string): unknown {
  return (target as Record<string, unknown>)[name];
}
