import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';

/** The directory holding package.json: test/support under ts-jest, dist/test/support in the bench. */
function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const REPO_ROOT = findRepoRoot(__dirname);

export interface ManagedProcessOptions {
  /** The compiled output `entry` is under (default `<repo>/dist`; the bench runs a snapshot of it) */
  distDir?: string;
  /** Node flags before the entry, e.g. a preloaded profiler */
  nodeArgs?: string[];
  /** Output chunks kept for failure reports */
  keepChunks?: number;
}

/**
 * A real Switchyard process started from the compiled output, exactly as the Dockerfile and the
 * manifests start it. Its output is kept so a failing test can show what the process said.
 */
export class ManagedProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;

  constructor(
    readonly name: string,
    readonly entry: string,
    readonly args: string[],
    readonly env: NodeJS.ProcessEnv,
    readonly port?: number,
    private readonly options: ManagedProcessOptions = {},
  ) {}

  start(): this {
    this.exitCode = null;
    this.exitSignal = null;
    const script = resolve(this.options.distDir ?? resolve(REPO_ROOT, 'dist'), this.entry);
    const child = spawn(
      process.execPath,
      [...(this.options.nodeArgs ?? []), script, ...this.args],
      {
        cwd: REPO_ROOT,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keepChunks = this.options.keepChunks ?? 2000;
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > keepChunks) this.output.splice(0, keepChunks / 2);
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

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.exitCode === null && this.exitSignal === null;
  }

  logs(): string {
    return this.output.join('');
  }

  /** Sends a signal without waiting (the bench's SIGUSR2 toggles a preloaded profiler). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  async waitForHttp(path = '/healthz', timeoutMs = 60_000): Promise<void> {
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
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} did not answer ${path} within ${timeoutMs} ms:\n${this.logs()}`);
  }

  async waitForLog(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pattern.test(this.logs())) return;
      if (!this.running)
        throw new Error(
          `${this.name} exited (${this.exitCode ?? this.exitSignal}):\n${this.logs()}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${this.name} never logged ${pattern}:\n${this.logs()}`);
  }

  /** SIGKILL for crash tests, SIGTERM for graceful stops; resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/** A port nothing listens on right now (the OS picks it), for a process the test is about to start. */
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
