import { Logger } from '@nestjs/common';
import { WEBHOOK_QUEUE } from '@switchyard/redis';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { WebhookDeliveryStore } from './webhook-delivery-store';
import {
  WebhookDispatcher,
  type WebhookDeliveryCounter,
  type WebhookJobResult,
} from './webhook-dispatcher';
import type { WebhookLogger } from './webhook-logger';
import type { WebhookMessage } from './webhook-message';
import { resolveWebhookSecret } from './webhook-secret';
import { WEBHOOK_DELIVERY_DEFAULTS } from '@switchyard/config';
import { webhookDeliverySettings, type WebhookDeliverySettings } from './webhook-settings';

export interface WebhookDispatcherServiceOptions {
  /** BullMQ connection; an ioredis instance must have `maxRetriesPerRequest: null`. Not closed here. */
  connection: ConnectionOptions;
  /** SWITCHYARD_QUEUE_PREFIX (BullMQ `prefix`). */
  queuePrefix?: string;
  store: WebhookDeliveryStore;
  /** SWITCHYARD_WEBHOOK_SECRET (`whsec_<base64>`). */
  secret?: string;
  /**
   * Without a secret: true signs with an ephemeral one and warns (all-in-one dev mode); false makes
   * the constructor throw WebhookSecretError (dedicated dispatcher). Default true.
   */
  allowEphemeralSecret?: boolean;
  /** SWITCHYARD_WEBHOOK_ALLOW_PRIVATE */
  allowPrivate: boolean;
  /** From config.webhookDelivery (webhookDeliverySettings); missing fields take the defaults. */
  settings?: Partial<WebhookDeliverySettings>;
  logger?: WebhookLogger;
  /** switchyard_webhook_deliveries_total: every attempt, by outcome. */
  metrics?: WebhookDeliveryCounter;
}

/**
 * The webhook dispatcher as one start/close unit, so the dedicated `dispatcher` app and the
 * all-in-one process run exactly the same thing. Its own Worker and concurrency keep slow or dead
 * receivers away from job processing.
 */
export class WebhookDispatcherService {
  private worker: Worker<WebhookMessage, WebhookJobResult> | null = null;
  private closing = false;
  private readonly dispatcher: WebhookDispatcher;
  private readonly logger: WebhookLogger;
  private readonly concurrency: number;
  /** True when deliveries are signed with a per-process random secret. */
  readonly ephemeralSecret: boolean;

  constructor(private readonly options: WebhookDispatcherServiceOptions) {
    this.logger = options.logger ?? new Logger('WebhookDispatcher');
    // Resolved here, not in start(): a missing or malformed secret must stop the process at boot.
    const { signer, ephemeral } = resolveWebhookSecret(options.secret, {
      allowEphemeral: options.allowEphemeralSecret ?? true,
      logger: this.logger,
    });
    this.ephemeralSecret = ephemeral;
    const settings: WebhookDeliverySettings = {
      ...webhookDeliverySettings(WEBHOOK_DELIVERY_DEFAULTS),
      ...options.settings,
    };
    this.concurrency = settings.concurrency;
    this.dispatcher = new WebhookDispatcher({
      store: options.store,
      signer,
      retry: settings.retry,
      allowPrivate: options.allowPrivate,
      timeoutMs: settings.timeoutMs,
      connectTimeoutMs: settings.connectTimeoutMs,
      destinationConcurrency: settings.destinationConcurrency,
      logger: this.logger,
      metrics: options.metrics,
    });
    if (options.allowPrivate) {
      this.logger.warn(
        'SWITCHYARD_WEBHOOK_ALLOW_PRIVATE=true: webhooks may target loopback and private networks',
      );
    }
  }

  async start(): Promise<void> {
    if (this.worker) return;
    this.closing = false;
    const worker = new Worker<WebhookMessage, WebhookJobResult>(
      WEBHOOK_QUEUE,
      (job: Job<WebhookMessage>, token?: string) => this.dispatcher.process(job, token),
      {
        connection: this.options.connection,
        prefix: this.options.queuePrefix,
        concurrency: this.concurrency,
        settings: { backoffStrategy: this.dispatcher.backoffStrategy },
      },
    );
    // Without a listener an 'error' event would crash the process; connection errors are retried.
    worker.on('error', (err: Error) => this.logger.error(`webhook worker error: ${err.message}`));
    this.worker = worker;
    await worker.waitUntilReady();
    this.logger.log(
      `webhook dispatcher consuming "${WEBHOOK_QUEUE}" (concurrency ${this.concurrency})`,
    );
  }

  /** Stops taking deliveries and waits for in-flight attempts (each bounded by the timeout). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.closing = true;
    await worker.close();
    this.worker = null;
  }

  /** For /readyz: consuming and not shutting down. */
  isRunning(): boolean {
    return !!this.worker && !this.closing && this.worker.isRunning();
  }
}
