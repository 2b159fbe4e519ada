import { execFileSync } from 'node:child_process';
import Redis from 'ioredis';

/**
 * Counts the Redis commands of a few jobs per process with MONITOR: top-level commands are round
 * trips (a MULTI block or pipeline shows each command, so this slightly over-counts round trips
 * for them), commands run inside Lua scripts are shown as `[lua]` right after their EVAL/EVALSHA
 * and are attributed to the process that sent the script. Connections are mapped to processes by
 * their local port (ss -tnp); other clients of the shared server are ignored.
 */
export interface RedisTrace {
  jobs: number;
  perProcess: Array<{
    process: string;
    roundTripsPerJob: number;
    inScriptPerJob: number;
    commands: Array<{ command: string; perJob: number }>;
  }>;
  /** The first commands seen, in order ("process: command key"), to read the jobs' paths */
  log: string[];
}

function redisPort(url: string): number {
  try {
    return Number(new URL(url).port || 6379);
  } catch {
    return 6379;
  }
}

/** local port -> pid of every TCP connection to the Redis port. */
function connectionsByPort(port: number): Map<number, number> {
  const map = new Map<number, number>();
  let out = '';
  try {
    out = execFileSync('ss', ['-tnpH', `dport = :${port}`], { encoding: 'utf8' });
  } catch {
    return map;
  }
  for (const line of out.split('\n')) {
    const local = /\s(\S+):(\d+)\s+\S+:\d+\s/.exec(line);
    const pid = /pid=(\d+)/.exec(line);
    if (local && pid) map.set(Number(local[2]), Number(pid[1]));
  }
  return map;
}

export async function traceRedis(
  redisUrl: string,
  processes: Map<number, string>,
  run: () => Promise<number>,
): Promise<RedisTrace | undefined> {
  const ports = connectionsByPort(redisPort(redisUrl));
  const byPort = new Map<number, string>();
  for (const [port, pid] of ports) {
    const name = processes.get(pid);
    if (name) byPort.set(port, name);
  }
  if (byPort.size === 0) return undefined;
  const admin = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const monitor = await admin.monitor();
  const counts = new Map<string, { top: number; lua: number; commands: Map<string, number> }>();
  let scriptOwner: string | undefined;
  const lines: string[] = [];
  let firstAt: number | undefined;
  let lastAt = 0;
  const note = (name: string, args: string[], inScript: boolean): void => {
    // Enough for every traced job's timeline (a hand-off job runs about 350 commands).
    if (lines.length >= 2000) return;
    firstAt ??= lastAt;
    const [command, ...rest] = args;
    // Script bodies and SHAs say nothing; keys do.
    const shown = /^(eval|evalsha)$/i.test(command) ? rest.slice(1, 4) : rest.slice(0, 3);
    lines.push(
      `+${(lastAt - firstAt).toFixed(2)} ms ${name}${inScript ? ' [lua]' : ''}: ${command} ${shown
        .map((a) => String(a).slice(0, 60))
        .join(' ')}`,
    );
  };
  const bump = (name: string, command: string, inScript: boolean): void => {
    let c = counts.get(name);
    if (!c) counts.set(name, (c = { top: 0, lua: 0, commands: new Map() }));
    if (inScript) c.lua++;
    else c.top++;
    const key = inScript ? `[lua] ${command}` : command;
    c.commands.set(key, (c.commands.get(key) ?? 0) + 1);
  };
  monitor.on('monitor', (time: string, args: string[], source: string) => {
    lastAt = Number(time) * 1000;
    const command = String(args[0] ?? '').toLowerCase();
    if (source === 'lua') {
      if (scriptOwner) {
        bump(scriptOwner, command, true);
        note(scriptOwner, args, true);
      }
      return;
    }
    const port = Number(source.slice(source.lastIndexOf(':') + 1));
    const name = byPort.get(port);
    scriptOwner = name && /^(eval|evalsha|fcall)/.test(command) ? name : undefined;
    if (name) {
      bump(name, command, false);
      note(name, args, false);
    }
  });
  // MONITOR starts streaming asynchronously; let it settle before the jobs start.
  await new Promise((r) => setTimeout(r, 200));
  counts.clear();
  lines.length = 0;
  firstAt = undefined;
  let jobs = 0;
  try {
    jobs = await run();
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    monitor.disconnect();
    admin.disconnect();
  }
  if (jobs === 0) return undefined;
  return {
    jobs,
    log: lines,
    perProcess: [...counts]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([process, c]) => ({
        process,
        roundTripsPerJob: c.top / jobs,
        inScriptPerJob: c.lua / jobs,
        commands: [...c.commands]
          .sort((a, b) => b[1] - a[1])
          .map(([command, n]) => ({ command, perJob: n / jobs })),
      })),
  };
}
