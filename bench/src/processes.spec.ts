import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  QUIET_CORE_SHARE,
  cpuMsOf,
  parseWriteSyscalls,
  waitUntilQuiet,
  writeSyscallsOf,
} from './processes';

describe('write system calls from /proc/<pid>/io', () => {
  it('reads the syscw line', () => {
    const io = 'rchar: 2012\nwchar: 917\nsyscr: 9\nsyscw: 42\nread_bytes: 0\nwrite_bytes: 4096\n';
    expect(parseWriteSyscalls(io)).toBe(42);
    expect(parseWriteSyscalls('rchar: 1\n')).toBeUndefined();
  });

  it("counts each of a process's writes", () => {
    const path = join(tmpdir(), `syscw-${process.pid}-${Date.now()}`);
    const fd = openSync(path, 'w');
    try {
      const before = writeSyscallsOf(process.pid);
      expect(before).toEqual(expect.any(Number));
      for (let i = 0; i < 25; i++) writeSync(fd, 'x');
      expect((writeSyscallsOf(process.pid) ?? 0) - (before ?? 0)).toBeGreaterThanOrEqual(25);
    } finally {
      closeSync(fd);
      unlinkSync(path);
    }
  });

  it('is undefined for a process that does not exist', () => {
    expect(writeSyscallsOf(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('waiting for a warmed-up target to go quiet', () => {
  const children: ChildProcess[] = [];
  /** A real process that keeps one core busy for `busyMs` (forever when Infinity), then idles. */
  const burner = (busyMs: number): { cpuMs: () => number } => {
    const child = spawn(process.execPath, [
      '-e',
      `const end = Date.now() + ${busyMs}; while (Date.now() < end) {} setInterval(() => {}, 1000);`,
    ]);
    children.push(child);
    return { cpuMs: () => (child.pid === undefined ? 0 : (cpuMsOf(child.pid) ?? 0)) };
  };
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('waits while a process is busy and returns once it idles', async () => {
    const settling = await waitUntilQuiet([burner(1500)], 10_000);
    expect(settling.quiet).toBe(true);
    expect(settling.waitedMs).toBeGreaterThanOrEqual(1000);
    expect(settling.coreShare).toBeLessThanOrEqual(QUIET_CORE_SHARE);
  });

  it('gives up at the timeout, saying the process is still busy', async () => {
    const settling = await waitUntilQuiet([burner(Infinity)], 1500);
    expect(settling.quiet).toBe(false);
    expect(settling.coreShare).toBeGreaterThan(0.5);
  });
});
