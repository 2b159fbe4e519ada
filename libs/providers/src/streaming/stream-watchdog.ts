export interface StreamLimits {
  /** From the start to the first delta; undefined: no limit. */
  firstTokenMs?: number;
  /** Between two deltas; undefined: no limit. */
  idleMs?: number;
}

/**
 * Watches a streamed answer for the two ways it can go quiet: no first delta within
 * `firstTokenMs`, or a gap longer than `idleMs` once it has started. It calls `onExpire` once
 * with the reason, in words fit for an error message, and does nothing after `dispose`.
 */
export class StreamWatchdog {
  private timer?: NodeJS.Timeout;
  private started = false;
  private done = false;

  constructor(
    private readonly limits: StreamLimits,
    private readonly onExpire: (reason: string) => void,
  ) {
    this.arm(limits.firstTokenMs, () => `no first token within ${limits.firstTokenMs} ms`);
  }

  /** A delta arrived: the idle limit starts over. */
  touch(): void {
    if (this.done) return;
    this.started = true;
    const idleMs = this.limits.idleMs;
    // Not "stalled": the worker reads that word as BullMQ's own stalled-job failure.
    this.arm(idleMs, () => `stream idle: no delta for ${idleMs} ms`);
  }

  /** Whether any delta has arrived. */
  get sawDelta(): boolean {
    return this.started;
  }

  dispose(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number | undefined, reason: () => string): void {
    clearTimeout(this.timer);
    if (ms === undefined) return;
    this.timer = setTimeout(() => {
      if (this.done) return;
      this.done = true;
      this.onExpire(reason());
    }, ms);
  }
}
