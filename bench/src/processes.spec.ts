import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWriteSyscalls, writeSyscallsOf } from './processes';

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
