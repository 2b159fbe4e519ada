import { EventEmitter } from 'node:events';
import { ABORT_EXIT_CODES, watchForAbort, type AbortReason } from './abort';

function rig(): {
  reasons: AbortReason[];
  stdout: EventEmitter;
  stderr: EventEmitter;
  proc: EventEmitter;
} {
  const reasons: AbortReason[] = [];
  const stdout = new EventEmitter();
  const stderr = new EventEmitter();
  const proc = new EventEmitter();
  watchForAbort((r) => reasons.push(r), [stdout, stderr] as never, proc as never);
  return { reasons, stdout, stderr, proc };
}

const epipe = (): NodeJS.ErrnoException =>
  Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });

describe('watchForAbort', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('aborts on %s', (signal) => {
    const { reasons, proc } = rig();
    proc.emit(signal);
    expect(reasons).toEqual([signal]);
  });

  it('aborts once, with EPIPE, when either output stream loses its reader', () => {
    const { reasons, stdout, stderr, proc } = rig();
    stderr.emit('error', epipe());
    stdout.emit('error', epipe());
    proc.emit('SIGINT');
    expect(reasons).toEqual(['EPIPE']);
  });

  it('aborts on any other error of an output stream too, without throwing it', () => {
    const { reasons, stdout } = rig();
    expect(() =>
      stdout.emit('error', Object.assign(new Error('odd'), { code: 'EIO' })),
    ).not.toThrow();
    expect(reasons).toEqual(['output-error']);
  });

  it('exits as a shell expects: 128 + the signal number, SIGPIPE for EPIPE', () => {
    expect(ABORT_EXIT_CODES).toMatchObject({ SIGHUP: 129, SIGINT: 130, EPIPE: 141, SIGTERM: 143 });
    expect(ABORT_EXIT_CODES['output-error']).not.toBe(0);
  });
});
