/**
 * A background round run every few seconds for as long as the process lives (the deadline sweeper,
 * the limiter watch, the regression watch, the eval scheduler). The timer never keeps the process
 * alive on its own, and a failed round is logged while the next one runs as planned: a background
 * round must not take its process down.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly round: () => Promise<unknown>,
    private readonly logger: { warn(message: string): void },
  ) {}

  start(everyMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      this.round().catch((err: Error) => this.logger.warn(err.message));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
