/**
 * The one signal an SDK call listens to: it aborts when the call's timeout_ms runs out (also
 * while the body is still streaming in, which SDK timeouts do not cover) or when the caller aborts.
 */
export class CallDeadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private expiredFlag = false;
  /** Set when something other than timeout_ms ended the call early (a stream watchdog). */
  private expiryReason?: string;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);

  constructor(
    readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => {
      this.expiredFlag = true;
      this.controller.abort(new DOMException(`call exceeded ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /**
   * Ends the call now as a timeout of its own kind (no first token, a stalled stream): the SDK
   * request is aborted, and the error mapping reports `reason`.
   */
  expire(reason: string): void {
    if (this.signal.aborted) return;
    this.expiredFlag = true;
    this.expiryReason = reason;
    clearTimeout(this.timer);
    this.controller.abort(new DOMException(reason, 'TimeoutError'));
  }

  /** The timeout ran out (as opposed to the caller aborting). */
  get expired(): boolean {
    return this.expiredFlag;
  }

  get cancelledByCaller(): boolean {
    return this.callerSignal?.aborted === true && !this.expiredFlag;
  }

  /** Why the call ended early, in words fit for an error message. */
  describe(): string {
    if (this.cancelledByCaller) return 'call aborted by the caller';
    return this.expiryReason ?? `no answer within ${this.timeoutMs} ms`;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
