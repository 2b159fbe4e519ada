export type WebhookDeliveryState = 'pending' | 'delivering' | 'delivered' | 'failed' | 'gone';

/** The `webhook` object of `GET /v1/jobs/:id`. */
export interface WebhookDeliveryStatus {
  status: WebhookDeliveryState;
  /** Attempts started so far, across redeliveries. */
  attempts: number;
  /** HTTP status of the last answered attempt; null before any answer or after a network error. */
  last_status_code: number | null;
  /** ISO 8601 time of the next scheduled attempt; null when none is scheduled. */
  next_attempt_at: string | null;
}

/** Everything the store keeps about a delivery, for operators and logs (never the secret). */
export interface WebhookDeliveryDetail extends WebhookDeliveryStatus {
  webhook_id: string | null;
  event_type: string | null;
  /** Why the last attempt did not deliver, e.g. "HTTP 503" or "timed out after 10000 ms". */
  last_error: string | null;
  last_attempt_at: string | null;
}

/** What one attempt ended in, as written by the dispatcher. */
export interface WebhookAttemptOutcome {
  status: Exclude<WebhookDeliveryState, 'delivering'>;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
}
