import { createHash } from 'node:crypto';
import type { AlertWebhookEventType, JobWebhookEventType, WebhookEventType } from './webhook-event';

/**
 * One webhook message: the BullMQ job data and the copy kept for redelivery. Immutable once
 * created, so every attempt and every redelivery sends the same bytes under the same `webhook-id`.
 * It never holds the signing secret: attempts are signed by the dispatcher when they are sent.
 */
export interface WebhookMessage {
  /** Standard Webhooks `webhook-id`, fixed at creation. */
  webhookId: string;
  /** Delivery-record key in WebhookDeliveryStore (`job:<id>` or `alert:<type>:<id>`). */
  recordKey: string;
  type: WebhookEventType;
  url: string;
  /** Serialized `{type, timestamp, data}`. */
  body: string;
  /**
   * Operator-configured destinations (the alert webhook) are trusted configuration, not tenant
   * input, so private addresses are allowed for them. Cloud metadata addresses never are.
   */
  trustedDestination?: boolean;
  /** W3C trace context of the originating job; the delivery span becomes its child. */
  trace?: Record<string, string>;
}

const SAFE_ID_PART = /^[A-Za-z0-9._:-]{1,100}$/;

/** Header- and key-safe form of an id; unusual ids become a stable hash rather than a collision. */
function safeIdPart(value: string): string {
  if (SAFE_ID_PART.test(value)) return value;
  return 'h' + createHash('sha256').update(value).digest('hex').slice(0, 32);
}

export function jobRecordKey(jobId: string): string {
  return `job:${jobId}`;
}

export function evalRecordKey(runId: string): string {
  return `eval:${runId}`;
}

/** `msg_eval_<runId>_completed`: one message per run. */
export function evalWebhookId(runId: string): string {
  return `msg_eval_${safeIdPart(runId)}_completed`;
}

export function alertRecordKey(type: AlertWebhookEventType, eventId: string): string {
  return `alert:${type}:${eventId}`;
}

/** `msg_<jobId>_<type>`: the same completion always has the same webhook-id. */
export function jobWebhookId(jobId: string, type: JobWebhookEventType): string {
  return `msg_${safeIdPart(jobId)}_${type}`;
}

export function alertWebhookId(type: AlertWebhookEventType, eventId: string): string {
  return `msg_alert_${type}_${safeIdPart(eventId)}`;
}

/**
 * BullMQ job id of a message's first delivery, derived from its deterministic webhook-id: adding it
 * twice is a no-op while the first job exists. Encoded because BullMQ refuses ':' in custom ids
 * (the `msg_` prefix already rules out all-digit ids, which it refuses too).
 */
export function firstDeliveryId(message: Pick<WebhookMessage, 'webhookId'>): string {
  return encodeURIComponent(message.webhookId);
}

/** Redeliveries are new BullMQ jobs of the same message. */
export function redeliveryId(message: Pick<WebhookMessage, 'webhookId'>, unique: string): string {
  return `${firstDeliveryId(message)}.redeliver.${unique}`;
}
