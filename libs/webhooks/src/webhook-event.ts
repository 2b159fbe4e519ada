/** Event types of the public contract (issue 7). */
export type JobWebhookEventType = 'job.succeeded' | 'job.failed';
export type AlertWebhookEventType = 'budget.alert' | 'regression.detected' | 'eval.regressed';
/** Sent to an evaluation run's own `webhook_url` when it ends. */
export type EvalWebhookEventType = 'eval.completed';
export type WebhookEventType = JobWebhookEventType | AlertWebhookEventType | EvalWebhookEventType;

export const JOB_WEBHOOK_EVENT_TYPES: readonly JobWebhookEventType[] = [
  'job.succeeded',
  'job.failed',
];
export const ALERT_WEBHOOK_EVENT_TYPES: readonly AlertWebhookEventType[] = [
  'budget.alert',
  'regression.detected',
  'eval.regressed',
];

/** The JSON body every webhook carries (Standard Webhooks' recommended envelope). */
export interface WebhookEventBody<T = unknown> {
  type: WebhookEventType;
  /** ISO 8601 time the event happened; fixed for the message, unlike `webhook-timestamp`. */
  timestamp: string;
  data: T;
}

export function isJobWebhookEventType(value: string): value is JobWebhookEventType {
  return (JOB_WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

export function isAlertWebhookEventType(value: string): value is AlertWebhookEventType {
  return (ALERT_WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * Serializes the body once, at publish time. The exact string is what gets signed and sent on every
 * attempt, so retries are byte-identical and a receiver can deduplicate on `webhook-id`.
 */
export function buildWebhookEventBody(
  type: WebhookEventType,
  data: unknown,
  timestamp: Date = new Date(),
): string {
  const body: WebhookEventBody = { type, timestamp: timestamp.toISOString(), data };
  return JSON.stringify(body);
}
