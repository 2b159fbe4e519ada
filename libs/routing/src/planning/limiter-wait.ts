/** One provider queue's rate limiter as Redis holds it right now (BullMQ's `limiter` key and wait list). */
export interface LimiterReading {
  /** rate_limit.requests_per_minute */
  perMinute: number;
  /** Jobs the limiter let start in its current window (a 429 pause sets it past any limit) */
  startedInWindow: number;
  /** What is left of the current window, ms; 0 or less when no window is open */
  windowLeftMs: number;
  /** Jobs queued ahead of a new one */
  waiting: number;
}

const WINDOW_MS = 60_000;

/**
 * When the limiter would let a job enqueued now start: at once while the current window has room
 * for everything ahead of it, else after this window and as many whole windows as the backlog
 * fills. Pure. Concurrency is left out: it bounds calls in flight, not starts per minute.
 */
export function limiterWaitMs(reading: LimiterReading): number {
  const { perMinute, startedInWindow, windowLeftMs, waiting } = reading;
  const roomNow = windowLeftMs > 0 ? Math.max(0, perMinute - startedInWindow) : perMinute;
  if (waiting < roomNow) return 0;
  const firstWindowEnds = windowLeftMs > 0 ? windowLeftMs : WINDOW_MS;
  return firstWindowEnds + Math.floor((waiting - roomNow) / perMinute) * WINDOW_MS;
}
