import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ManagedProcess, REPO_ROOT } from '../../test/support/managed-process';

export { freePort, REPO_ROOT } from '../../test/support/managed-process';

const REPO_DIST = resolve(REPO_ROOT, 'dist');
let distRoot = REPO_DIST;

/** A path under the dist/ the processes are started from (the snapshot, once taken). */
export function distPath(...parts: string[]): string {
  return resolve(distRoot, ...parts);
}

/** Environment every started process needs to find node_modules from a snapshot outside the repo. */
export function nodeEnv(): NodeJS.ProcessEnv {
  return distRoot === REPO_DIST ? {} : { NODE_PATH: resolve(REPO_ROOT, 'node_modules') };
}

// Built at run time so this file's own compiled text does not contain it.
const UNRESOLVED = ['require("@', 'switchyard/'].join('');

/** Files still importing `@switchyard/...` (a build between tsc and tsc-alias), if any. */
function unresolvedAliases(dir: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const bad = unresolvedAliases(path);
      if (bad) return bad;
    } else if (entry.name.endsWith('.js') && readFileSync(path, 'utf8').includes(UNRESOLVED)) {
      return path;
    }
  }
  return undefined;
}

/**
 * Copies dist/ (and the model catalog and console files the processes look up beside it) to a directory of the
 * run's own, and starts every process from there: others rebuild dist/ while a run goes on, and a
 * process started mid-build would fail or run a different program. Waits out a build in progress.
 */
export async function snapshotDist(log: (line: string) => void): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-bench-dist-'));
  const deadline = Date.now() + 180_000;
  for (;;) {
    const dirty = unresolvedAliases(REPO_DIST);
    if (!dirty) {
      rmSync(join(root, 'dist'), { recursive: true, force: true });
      cpSync(REPO_DIST, join(root, 'dist'), { recursive: true });
      if (!unresolvedAliases(join(root, 'dist'))) break;
    } else if (Date.now() > deadline) {
      rmSync(root, { recursive: true, force: true });
      throw new Error(`dist/ stays half-built (${dirty}); run npm run build`);
    } else {
      log('dist/ is being rebuilt by someone; waiting for the build to finish');
    }
    await sleep(2000);
  }
  // Files the processes find by walking up from dist/, as in the image (see the Dockerfile).
  for (const dir of ['libs/routing/catalog', 'apps/ingress/console']) {
    mkdirSync(dirname(join(root, dir)), { recursive: true });
    cpSync(resolve(REPO_ROOT, dir), join(root, dir), { recursive: true });
  }
  distRoot = join(root, 'dist');
  return () => {
    distRoot = REPO_DIST;
    rmSync(root, { recursive: true, force: true });
  };
}

let clockTicks: number | undefined;

/** Kernel clock ticks per second (utime/stime unit in /proc/<pid>/stat). */
export function clkTck(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time of a process so far, in ms (resolution 1000/CLK_TCK ms). */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / clkTck();
  } catch {
    return undefined;
  }
}

/** The `syscw` line of /proc/<pid>/io: write system calls (sockets, pipes, files) so far. */
export function parseWriteSyscalls(procIo: string): number | undefined {
  const match = /^syscw:\s+(\d+)$/m.exec(procIo);
  return match ? Number(match[1]) : undefined;
}

/**
 * Write system calls a process has made so far; undefined where /proc/<pid>/io is unreadable.
 * Each Redis round trip and each HTTP answer is at least one: the count shows what batching
 * writes saves, which CPU time alone hides in the noise.
 */
export function writeSyscallsOf(pid: number): number | undefined {
  try {
    return parseWriteSyscalls(readFileSync(`/proc/${pid}/io`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Peak (VmHWM) and current (VmRSS) resident set size in MiB. */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One process of a stack under test: the tests' ManagedProcess, started from the dist/ snapshot
 * (optionally with node flags such as the profiler preload), with its CPU and memory from /proc.
 */
export class BenchProcess extends ManagedProcess {
  constructor(
    name: string,
    /** Path under dist/ */
    entry: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    port?: number,
    nodeArgs: string[] = [],
  ) {
    super(name, entry, args, { ...env, ...nodeEnv() }, port, {
      distDir: distPath(),
      nodeArgs,
      keepChunks: 400,
    });
  }

  cpuMs(): number {
    return this.pid === undefined ? 0 : (cpuMsOf(this.pid) ?? 0);
  }

  writeSyscalls(): number | undefined {
    return this.pid === undefined ? undefined : writeSyscallsOf(this.pid);
  }

  memory(): { peakMb: number; rssMb: number } {
    return (this.pid === undefined ? undefined : memoryOf(this.pid)) ?? { peakMb: 0, rssMb: 0 };
  }
}

/**
 * Quiet: the processes together use at most this share of one core. Idle Switchyard processes
 * (pollers, leases, metrics) stay well under it; V8 compiling PGlite's WebAssembly or tiering up
 * the hot path after a warm-up does not.
 */
export const QUIET_CORE_SHARE = 0.1;
const QUIET_WINDOW_MS = 500;

export interface Settling {
  /** How long the processes took to go quiet (or the timeout, when they did not) */
  waitedMs: number;
  quiet: boolean;
  /** The share of one core they used in the last window */
  coreShare: number;
}

/**
 * Waits until `processes` go quiet (see QUIET_CORE_SHARE, over windows of 500 ms), at most
 * `timeoutMs`. A phase measured while a process still compiles in the background counts that
 * compile against every job of the phase: a new all-in-one spends seconds of CPU on PGlite's
 * WebAssembly after its first ledger writes.
 */
export async function waitUntilQuiet(
  processes: ReadonlyArray<Pick<BenchProcess, 'cpuMs'>>,
  timeoutMs: number,
): Promise<Settling> {
  const started = performance.now();
  const used = (): number => processes.reduce((sum, p) => sum + p.cpuMs(), 0);
  let coreShare = Infinity;
  while (performance.now() - started < timeoutMs) {
    const before = used();
    const t0 = performance.now();
    await sleep(QUIET_WINDOW_MS);
    coreShare = (used() - before) / (performance.now() - t0);
    if (coreShare <= QUIET_CORE_SHARE) {
      return { waitedMs: performance.now() - started, quiet: true, coreShare };
    }
  }
  return { waitedMs: performance.now() - started, quiet: false, coreShare };
}

/** CPU and memory of a set of processes between two points in time. */
export interface ProcessUsage {
  name: string;
  cpuMs: number;
  peakRssMb: number;
  /** Write system calls in the window; absent where /proc/<pid>/io could not be read. */
  writeSyscalls?: number;
}

export class CpuWindow {
  private readonly start = new Map<string, { cpuMs: number; writes?: number }>();

  constructor(private readonly processes: BenchProcess[]) {
    for (const p of processes) {
      this.start.set(p.name, { cpuMs: p.cpuMs(), writes: p.writeSyscalls() });
    }
  }

  finish(): ProcessUsage[] {
    return this.processes.map((p) => {
      const start = this.start.get(p.name);
      const writes = p.writeSyscalls();
      return {
        name: p.name,
        cpuMs: p.cpuMs() - (start?.cpuMs ?? 0),
        peakRssMb: p.memory().peakMb,
        ...(writes !== undefined &&
          start?.writes !== undefined && { writeSyscalls: writes - start.writes }),
      };
    });
  }
}

/**
 * CPU of a set of processes that changes during the window: the PostgreSQL backends serving a
 * target's ledger come and go with its connection pools. A backend seen first mid-window counts
 * from its start; one that ends counts up to its last observation.
 */
export class PidSetCpu {
  private readonly base = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private started = false;

  observe(pids: number[]): void {
    for (const pid of pids) {
      const cpu = cpuMsOf(pid);
      if (cpu === undefined) continue;
      if (!this.base.has(pid)) this.base.set(pid, this.started ? 0 : cpu);
      this.last.set(pid, cpu);
    }
    this.started = true;
  }

  totalMs(): number {
    let total = 0;
    for (const [pid, cpu] of this.last) total += cpu - (this.base.get(pid) ?? 0);
    return total;
  }
}

/** CPU of this (client) process over a window, from process.cpuUsage. */
export class SelfCpuWindow {
  private readonly start = process.cpuUsage();

  finishMs(): number {
    const d = process.cpuUsage(this.start);
    return (d.user + d.system) / 1000;
  }
}
