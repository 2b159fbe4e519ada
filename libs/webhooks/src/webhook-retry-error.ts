/**
 * Thrown by the dispatcher when an attempt failed and another is due. It carries the delay the
 * dispatcher already wrote to the record as `next_attempt_at`, so the backoff strategy BullMQ calls
 * returns that same delay instead of drawing new jitter.
 */
export class WebhookRetryError extends Error {
  override readonly name = 'WebhookRetryError';

  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
  }
}
