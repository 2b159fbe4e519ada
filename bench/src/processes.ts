import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root (this file runs from dist/bench/src). */
export const REPO_ROOT = resolve(__dirname, '../../..');
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

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => done(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One process of a stack under test, started from dist/ with node (optionally with extra node
 * flags such as the profiler preload). Output is kept for failure reports.
 */
export class BenchProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;

  constructor(
    readonly name: string,
    /** Path under dist/ */
    readonly entry: string,
    readonly args: string[],
    readonly env: NodeJS.ProcessEnv,
    readonly port?: number,
    readonly nodeArgs: string[] = [],
  ) {}

  start(): this {
    const child = spawn(process.execPath, [...this.nodeArgs, distPath(this.entry), ...this.args], {
      cwd: REPO_ROOT,
      env: { ...this.env, ...nodeEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => {
      this.exitCode = code;
      this.exitSignal = signal;
    });
    this.child = child;
    return this;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error(`${this.name} is not running`);
    return this.child.pid;
  }

  get running(): boolean {
    return !!this.child && this.exitCode === null && this.exitSignal === null;
  }

  logs(): string {
    return this.output.join('');
  }

  cpuMs(): number {
    return cpuMsOf(this.pid) ?? 0;
  }

  memory(): { peakMb: number; rssMb: number } {
    return memoryOf(this.pid) ?? { peakMb: 0, rssMb: 0 };
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  async waitForHttp(path: string, timeoutMs = 60_000): Promise<void> {
    if (!this.port) throw new Error(`${this.name} has no port`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(
          `${this.name} exited (${this.exitCode ?? this.exitSignal}):\n${this.logs()}`,
        );
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}${path}`);
        await res.arrayBuffer();
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not answer ${path} within ${timeoutMs} ms:\n${this.logs()}`);
  }

  async waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pattern.test(this.logs())) return;
      if (!this.running)
        throw new Error(
          `${this.name} exited (${this.exitCode ?? this.exitSignal}):\n${this.logs()}`,
        );
      await sleep(50);
    }
    throw new Error(`${this.name} never logged ${pattern}:\n${this.logs()}`);
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** CPU and memory of a set of processes between two points in time. */
export interface ProcessUsage {
  name: string;
  cpuMs: number;
  peakRssMb: number;
}

export class CpuWindow {
  private readonly start = new Map<string, number>();

  constructor(private readonly processes: BenchProcess[]) {
    for (const p of processes) this.start.set(p.name, p.cpuMs());
  }

  finish(): ProcessUsage[] {
    return this.processes.map((p) => ({
      name: p.name,
      cpuMs: p.cpuMs() - (this.start.get(p.name) ?? 0),
      peakRssMb: p.memory().peakMb,
    }));
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
