import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { DelayedError, UnrecoverableError, type BackoffStrategy, type Job } from 'bullmq';
import {
  DestinationSlots,
  destinationPostponeMs,
  webhookDestinationKey,
} from './destination-slots';
import { webhookRetryDelay, type WebhookRetrySettings } from './webhook-backoff';
import { WebhookAddressRefusedError } from './webhook-address-refused-error';
import type { WebhookAttemptOutcome } from './webhook-delivery-status';
import type { WebhookDeliveryStore } from './webhook-delivery-store';
import { postWebhook } from './webhook-http-client';
import { WebhookHttpError } from './webhook-http-error';
import { redactUrl, type WebhookLogger } from './webhook-logger';
import type { WebhookMessage } from './webhook-message';
import { WebhookRetryError } from './webhook-retry-error';
import type { WebhookSigner } from './webhook-signer';

const tracer = trace.getTracer('switchyard-webhooks');

/** Name of the custom backoff type on webhook jobs; the Worker's backoffStrategy serves it. */
export const WEBHOOK_BACKOFF_TYPE = 'switchyard-webhook';

export interface WebhookDispatcherDeps {
  store: WebhookDeliveryStore;
  signer: WebhookSigner;
  retry: WebhookRetrySettings;
  allowPrivate: boolean;
  timeoutMs: number;
  /** Of timeoutMs, the part an attempt may spend getting connected (default: all of it). */
  connectTimeoutMs?: number;
  logger: WebhookLogger;
  maxResponseBytes?: number;
  random?: () => number;
  /** Deliveries in flight per destination host:port in this process (default: unlimited). */
  destinationConcurrency?: number;
  /** Counts every attempt by the state it left the delivery in. */
  metrics?: WebhookDeliveryCounter;
}

/** switchyard_webhook_deliveries_total{outcome}: SwitchyardMetrics is one. */
export interface WebhookDeliveryCounter {
  webhookDelivery(outcome: WebhookAttemptOutcome['status']): void;
}

/** What a processed BullMQ job returns (stored as its return value). */
export type WebhookJobResult = { outcome: 'delivered'; status: number } | { outcome: 'skipped' };

type AttemptFailure = { statusCode: number | null; error: string };

/**
 * One delivery attempt per BullMQ job run: sign now, POST, record the outcome, and tell BullMQ what
 * to do next — complete on 2xx, stop for good on 410 or a refused address, otherwise throw a
 * WebhookRetryError whose delay the backoffStrategy hands back to BullMQ.
 */
export class WebhookDispatcher {
  private readonly random: () => number;
  private readonly slots: DestinationSlots;

  constructor(private readonly deps: WebhookDispatcherDeps) {
    this.random = deps.random ?? Math.random;
    this.slots = new DestinationSlots(deps.destinationConcurrency ?? Number.POSITIVE_INFINITY);
  }

  /** For `new Worker(..., { settings: { backoffStrategy } })`. */
  readonly backoffStrategy: BackoffStrategy = (attemptsMade, _type, err) => {
    if (err instanceof WebhookRetryError) return err.retryDelayMs;
    // Failures that did not come from an attempt (e.g. Redis hiccup while recording) still back off.
    return webhookRetryDelay(attemptsMade, this.deps.retry, this.random);
  };

  readonly process = async (
    job: Job<WebhookMessage>,
    token?: string,
  ): Promise<WebhookJobResult> => {
    const destination = webhookDestinationKey(job.data.url);
    if (!this.slots.tryAcquire(destination)) {
      // The destination is at its cap: step aside for a moment instead of holding a pool slot.
      // Not an attempt: attemptsMade and the delivery record stay as they are.
      await job.moveToDelayed(Date.now() + destinationPostponeMs(this.random), token);
      throw new DelayedError();
    }
    try {
      return await this.traced(job);
    } finally {
      this.slots.release(destination);
    }
  };

  private traced(job: Job<WebhookMessage>): Promise<WebhookJobResult> {
    const message = job.data;
    // A span per attempt, joined to the job's trace when the message carries its context. Without
    // an OpenTelemetry SDK registered these calls are no-ops.
    const parent = message.trace
      ? propagation.extract(context.active(), message.trace)
      : context.active();
    const attributes = {
      'webhook.id': message.webhookId,
      'webhook.event_type': message.type,
      'webhook.attempt': job.attemptsMade + 1,
    };
    return tracer.startActiveSpan('webhook.deliver', { attributes }, parent, async (span) => {
      try {
        const result = await this.attempt(job);
        span.setAttribute('webhook.outcome', result.outcome);
        return result;
      } catch (err) {
        // The error's name only: messages can carry the receiver's URL, and traces travel further than logs.
        span.setAttribute('error.type', (err as Error).name || 'Error');
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
    });
  }

  private async attempt(job: Job<WebhookMessage>): Promise<WebhookJobResult> {
    const message = job.data;
    const { store, logger } = this.deps;
    const current = await store.getRecord(message.recordKey);
    // Another run (a redelivery, or the original after one) already delivered these bytes.
    if (current?.status === 'delivered') return { outcome: 'skipped' };

    const attempt = job.attemptsMade + 1;
    const isLastAttempt = attempt >= (job.opts.attempts ?? 1);
    const at = new Date();
    await store.startAttempt(message, at);

    let failure: AttemptFailure;
    try {
      const { status } = await postWebhook({
        url: message.url,
        body: message.body,
        headers: {
          ...this.deps.signer.headers(message.webhookId, at, message.body),
          'user-agent': 'Switchyard-Webhooks/1',
        },
        timeoutMs: this.deps.timeoutMs,
        connectTimeoutMs: this.deps.connectTimeoutMs,
        allowPrivate: this.deps.allowPrivate || message.trustedDestination === true,
        maxResponseBytes: this.deps.maxResponseBytes,
      });
      if (status >= 200 && status < 300) {
        await this.finishAttempt(message, {
          status: 'delivered',
          statusCode: status,
          error: null,
          nextAttemptAt: null,
        });
        return { outcome: 'delivered', status };
      }
      if (status === 410) {
        await this.finishAttempt(message, {
          status: 'gone',
          statusCode: 410,
          error: 'HTTP 410 Gone: receiver asked to stop',
          nextAttemptAt: null,
        });
        logger.warn(`${this.describe(message)}: receiver answered 410 Gone; delivery stopped`);
        throw new UnrecoverableError('HTTP 410 Gone');
      }
      failure = { statusCode: status, error: `HTTP ${status}` };
    } catch (err) {
      if (err instanceof UnrecoverableError) throw err;
      if (err instanceof WebhookAddressRefusedError) {
        await this.finishAttempt(message, {
          status: 'failed',
          statusCode: null,
          error: `refused: ${err.message}`,
          nextAttemptAt: null,
        });
        logger.warn(`${this.describe(message)}: destination refused (${err.message})`);
        throw new UnrecoverableError(err.message);
      }
      failure = {
        statusCode: null,
        error: err instanceof WebhookHttpError ? err.message : 'delivery attempt failed',
      };
    }
    return this.scheduleRetry(message, attempt, isLastAttempt, failure);
  }

  private async scheduleRetry(
    message: WebhookMessage,
    attempt: number,
    isLastAttempt: boolean,
    failure: AttemptFailure,
  ): Promise<never> {
    if (isLastAttempt) {
      await this.finishAttempt(message, {
        status: 'failed',
        statusCode: failure.statusCode,
        error: failure.error,
        nextAttemptAt: null,
      });
      this.deps.logger.warn(
        `${this.describe(message)}: attempt ${attempt} failed (${failure.error}); giving up`,
      );
      throw new Error(`${failure.error}; no attempts left`);
    }
    const delayMs = webhookRetryDelay(attempt, this.deps.retry, this.random);
    await this.finishAttempt(message, {
      status: 'pending',
      statusCode: failure.statusCode,
      error: failure.error,
      nextAttemptAt: new Date(Date.now() + delayMs),
    });
    throw new WebhookRetryError(failure.error, delayMs);
  }

  /** Every attempt ends here: recorded, then counted. */
  private async finishAttempt(
    message: WebhookMessage,
    outcome: WebhookAttemptOutcome,
  ): Promise<void> {
    await this.deps.store.finishAttempt(message.recordKey, outcome);
    this.deps.metrics?.webhookDelivery(outcome.status);
  }

  private describe(message: WebhookMessage): string {
    return `webhook ${message.webhookId} (${message.type}) to ${redactUrl(message.url)}`;
  }
}
