import Redis from 'ioredis';

/**
 * Every command this (client) process sends to Redis is counted, so the bench's own traffic
 * (completion notifications, gauges, INFO itself) can be subtracted from the server's counters.
 */
let ownCommands = 0;
let patched = false;

export function countOwnRedisCommands(): void {
  if (patched) return;
  patched = true;
  const proto = Redis.prototype as unknown as {
    sendCommand: (...args: unknown[]) => unknown;
  };
  const original = proto.sendCommand;
  proto.sendCommand = function (this: unknown, ...args: unknown[]) {
    ownCommands++;
    return original.apply(this, args);
  };
}

export function ownRedisCommands(): number {
  return ownCommands;
}

function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

export interface RedisCounters {
  commands: number;
  cpuMs: number;
  byCommand: Map<string, number>;
  own: number;
}

export async function readRedisCounters(redis: Redis): Promise<RedisCounters> {
  const own = ownRedisCommands();
  const info = parseInfo(await redis.info('all'));
  const byCommand = new Map<string, number>();
  for (const [key, value] of info) {
    if (!key.startsWith('cmdstat_')) continue;
    const calls = /calls=(\d+)/.exec(value);
    if (calls) byCommand.set(key.slice('cmdstat_'.length), Number(calls[1]));
  }
  return {
    commands: Number(info.get('total_commands_processed') ?? 0),
    cpuMs: (Number(info.get('used_cpu_user') ?? 0) + Number(info.get('used_cpu_sys') ?? 0)) * 1000,
    byCommand,
    own,
  };
}

export interface RedisDelta {
  /** Commands the server processed in the window (commands run inside Lua scripts included), minus the bench's own */
  commands: number;
  /** Redis server CPU over the window (shared server: includes other clients' work) */
  cpuMs: number;
  /** Top commands by count in the window (includes the bench's own and other clients') */
  top: Array<{ command: string; calls: number }>;
}

export function redisDelta(before: RedisCounters, after: RedisCounters): RedisDelta {
  // The server's count excludes the INFO that reads it, and includes the INFO that took `before`;
  // `own` was read just before each INFO was sent, so the two line up.
  const own = after.own - before.own;
  const top: Array<{ command: string; calls: number }> = [];
  for (const [command, calls] of after.byCommand) {
    const d = calls - (before.byCommand.get(command) ?? 0);
    if (d > 0) top.push({ command, calls: d });
  }
  top.sort((a, b) => b.calls - a.calls);
  return {
    commands: after.commands - before.commands - own,
    cpuMs: after.cpuMs - before.cpuMs,
    top: top.slice(0, 12),
  };
}

/** SCAN + DEL of one prefix's keys; never anything else on the shared server. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  if (!/^[a-z0-9-]{8,}$/.test(prefix))
    throw new Error(`refusing to delete keys of prefix "${prefix}"`);
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
