/** What ends a bench run before its end: a signal, or the reader of its output going away. */
export type AbortReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'EPIPE' | 'output-error';

/** The exit code a shell expects for each: 128 + the signal's number (SIGPIPE's for EPIPE). */
export const ABORT_EXIT_CODES: Readonly<Record<AbortReason, number>> = {
  'output-error': 1,
  SIGHUP: 129,
  SIGINT: 130,
  EPIPE: 141,
  SIGTERM: 143,
};

type OutputStream = Pick<NodeJS.WriteStream, 'on'>;

/**
 * Calls `onAbort` once, for the first of: SIGINT, SIGTERM, SIGHUP, or a write to stdout/stderr
 * whose reader has gone (`npm run bench 2>&1 | head`: Node ignores SIGPIPE, so the write fails
 * with EPIPE, an 'error' event nobody handled, and the process died leaving its stack processes,
 * Redis keys and PostgreSQL schema behind). Any other error on those streams stops the run as
 * well (`output-error`): its report could not be written. Later errors are swallowed: the run is
 * already stopping, and there is nobody left to tell.
 */
export function watchForAbort(
  onAbort: (reason: AbortReason) => void,
  streams: OutputStream[] = [process.stdout, process.stderr],
  proc: Pick<NodeJS.Process, 'once'> = process,
): void {
  let fired = false;
  const fire = (reason: AbortReason): void => {
    if (fired) return;
    fired = true;
    onAbort(reason);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    proc.once(signal, () => fire(signal));
  }
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      fire(err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' ? 'EPIPE' : 'output-error');
    });
  }
}
