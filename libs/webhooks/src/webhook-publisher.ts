import { randomUUID } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import type { AlertLog } from './alert-log';
import type { WebhookDeliveryStore } from './webhook-delivery-store';
import { DEFAULT_WEBHOOK_RETRY_SETTINGS } from './webhook-backoff';
import { WEBHOOK_BACKOFF_TYPE } from './webhook-dispatcher';
import {
  buildWebhookEventBody,
  isAlertWebhookEventType,
  isJobWebhookEventType,
  type AlertWebhookEventType,
  type JobWebhookEventType,
} from './webhook-event';
import {
  alertRecordKey,
  alertWebhookId,
  evalRecordKey,
  evalWebhookId,
  firstDeliveryId,
  jobRecordKey,
  jobWebhookId,
  redeliveryId,
  type WebhookMessage,
} from './webhook-message';

export interface WebhookPublisherOptions {
  /** Attempts per message (config.webhookDelivery.maxAttempts, SWITCHYARD_WEBHOOK_MAX_ATTEMPTS); default 12. */
  maxAttempts?: number;
  /**
   * How long finished BullMQ jobs are kept. While a job is kept, re-adding its deterministic id is a
   * no-op; the delivery record guards duplicates for longer. Default 1 day / 7 days.
   */
  keepCompletedSeconds?: number;
  keepFailedSeconds?: number;
  /** Where every alert is also kept for the console, webhook or not. */
  alertLog?: AlertLog;
}

/** The finished job being announced. Without an explicit `data`, this object is the event's data. */
export interface WebhookJobRef {
  id: string;
  webhook_url?: string | null;
  /** W3C trace context of the job, so the delivery span joins the job's trace. */
  trace?: Record<string, string>;
  [field: string]: unknown;
}

export type WebhookPublishResult =
  | { queued: true; webhookId: string; deliveryId: string }
  | { queued: false; reason: 'no_webhook_url' | 'no_alert_webhook' | 'already_published' };

export type WebhookRedeliverResult =
  { queued: true; webhookId: string; deliveryId: string } | { queued: false; reason: 'not_found' };

/**
 * Turns finished jobs and alerts into webhook messages on WEBHOOK_QUEUE. Publishing is a record
 * write plus one `Queue.add`, so job processing never waits for a receiver. Deterministic ids make
 * publishing idempotent: a finalizer that runs twice yields one message and one delivery.
 */
export class WebhookPublisher {
  private readonly maxAttempts: number;
  private readonly keepCompletedSeconds: number;
  private readonly keepFailedSeconds: number;
  private readonly alertLog?: AlertLog;

  /**
   * @param alertWebhookUrl SWITCHYARD_ALERT_WEBHOOK_URL; without it alerts are not sent.
   */
  constructor(
    private readonly queue: Queue<WebhookMessage>,
    private readonly store: WebhookDeliveryStore,
    private readonly alertWebhookUrl?: string,
    options: WebhookPublisherOptions = {},
  ) {
    this.maxAttempts = Math.max(
      1,
      options.maxAttempts ?? DEFAULT_WEBHOOK_RETRY_SETTINGS.maxAttempts,
    );
    this.keepCompletedSeconds = options.keepCompletedSeconds ?? 86400;
    this.keepFailedSeconds = options.keepFailedSeconds ?? 7 * 86400;
    this.alertLog = options.alertLog;
  }

  /**
   * Queues `job.succeeded` / `job.failed` to the job's `webhook_url` (no-op without one).
   * @param data the job as `GET /v1/jobs/:id` shows it; defaults to `job` itself.
   */
  async publishJobCompletion(
    job: WebhookJobRef,
    eventType: JobWebhookEventType,
    data: unknown = job,
  ): Promise<WebhookPublishResult> {
    if (!isJobWebhookEventType(eventType)) {
      throw new TypeError(`not a job webhook event type: ${String(eventType)}`);
    }
    if (!job.webhook_url) return { queued: false, reason: 'no_webhook_url' };
    return this.publish({
      webhookId: jobWebhookId(job.id, eventType),
      recordKey: jobRecordKey(job.id),
      type: eventType,
      url: job.webhook_url,
      body: buildWebhookEventBody(eventType, data),
      trace: job.trace,
    });
  }

  /** Queues `eval.completed` to an evaluation run's `webhook_url`, once per run. */
  async publishEvalCompletion(
    run: { id: string; webhook_url?: string | null },
    data: unknown,
  ): Promise<WebhookPublishResult> {
    if (!run.webhook_url) return { queued: false, reason: 'no_webhook_url' };
    return this.publish({
      webhookId: evalWebhookId(run.id),
      recordKey: evalRecordKey(run.id),
      type: 'eval.completed',
      url: run.webhook_url,
      body: buildWebhookEventBody('eval.completed', data),
    });
  }

  /**
   * Queues an operator alert to SWITCHYARD_ALERT_WEBHOOK_URL. `eventId` makes it idempotent, e.g.
   * `${task}:${day}` for a budget alert: the same id is sent once.
   */
  async publishAlert(
    type: AlertWebhookEventType,
    data: unknown,
    eventId: string,
  ): Promise<WebhookPublishResult> {
    if (!isAlertWebhookEventType(type)) {
      throw new TypeError(`not an alert webhook event type: ${String(type)}`);
    }
    await this.alertLog?.record(type, eventId, data);
    if (!this.alertWebhookUrl) return { queued: false, reason: 'no_alert_webhook' };
    return this.publish({
      webhookId: alertWebhookId(type, eventId),
      recordKey: alertRecordKey(type, eventId),
      type,
      url: this.alertWebhookUrl,
      body: buildWebhookEventBody(type, data),
      trustedDestination: true,
    });
  }

  /**
   * Sends a job's webhook message again: the same bytes and `webhook-id` (it is the same message),
   * as a new BullMQ job with a fresh attempt budget. `not_found` when the job never had a webhook
   * or its record has expired.
   */
  async redeliver(jobId: string): Promise<WebhookRedeliverResult> {
    return this.redeliverRecord(jobRecordKey(jobId));
  }

  /** Same as redeliver() for any record key, alerts included. */
  async redeliverRecord(recordKey: string): Promise<WebhookRedeliverResult> {
    const message = await this.store.getMessage(recordKey);
    if (!message) return { queued: false, reason: 'not_found' };
    await this.store.markRequeued(recordKey);
    const deliveryId = redeliveryId(message, randomUUID());
    await this.queue.add(message.type, message, this.jobOptions(deliveryId));
    return { queued: true, webhookId: message.webhookId, deliveryId };
  }

  private async publish(message: WebhookMessage): Promise<WebhookPublishResult> {
    const created = await this.store.createIfAbsent(message);
    let toSend = message;
    if (!created.created) {
      // Already past pending: it was queued and picked up before. Sending again would duplicate.
      if (created.status !== 'pending') return { queued: false, reason: 'already_published' };
      // Still pending: the earlier Queue.add may have failed, so add again; BullMQ ignores the
      // deterministic id if it did not. The first message stays authoritative.
      toSend = created.message ?? message;
    }
    const deliveryId = firstDeliveryId(toSend);
    await this.queue.add(toSend.type, toSend, this.jobOptions(deliveryId));
    return { queued: true, webhookId: toSend.webhookId, deliveryId };
  }

  private jobOptions(jobId: string): JobsOptions {
    return {
      jobId,
      attempts: this.maxAttempts,
      backoff: { type: WEBHOOK_BACKOFF_TYPE },
      removeOnComplete: { age: this.keepCompletedSeconds },
      removeOnFail: { age: this.keepFailedSeconds },
    };
  }
}
