import { WEBHOOK_QUEUE } from '@switchyard/redis';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { createTestRedis, type TestRedis } from '@switchyard/testing';
import {
  DEFAULT_WEBHOOK_RETRY_SETTINGS,
  WebhookDeliveryStore,
  WebhookDispatcherService,
  WebhookPublisher,
  WebhookSigner,
  type WebhookMessage,
} from '@switchyard/webhooks';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { MemoryLogger } from './memory-logger';
import { WebhookTestReceiver } from '../support/webhook-test-receiver';

export interface WebhookRigOptions {
  /** Names this spec's Redis keys, which are deleted afterwards. */
  label: string;
  /** False runs the dispatcher's SSRF guard against the loopback receiver. */
  allowPrivate: boolean;
  maxAttempts: number;
  backoffBaseMs: number;
  concurrency: number;
  /** The receiver path operator alerts go to; without one, alerts are not configured. */
  alertPath?: string;
}

interface RigParts {
  tr: TestRedis;
  workerConnection?: Redis;
  receiver?: WebhookTestReceiver;
  store?: WebhookDeliveryStore;
  queue?: Queue<WebhookMessage>;
  publisher?: WebhookPublisher;
  service?: WebhookDispatcherService;
}

/**
 * The in-process webhook pipeline the e2e specs drive: real Redis, a real BullMQ queue and
 * dispatcher worker, and a real HTTP receiver on loopback that verifies signatures.
 */
export class WebhookRig {
  readonly secret = WebhookSigner.generateSecret();
  /** What the dispatcher logged, for checks that the secret never appears. */
  readonly logger = new MemoryLogger();
  /** What the dispatcher counted (switchyard_webhook_deliveries_total). */
  readonly metrics = new SwitchyardMetrics();
  private parts?: RigParts;

  constructor(readonly options: WebhookRigOptions) {}

  get tr(): TestRedis {
    return this.started().tr;
  }

  get receiver(): WebhookTestReceiver {
    return this.part('receiver');
  }

  get store(): WebhookDeliveryStore {
    return this.part('store');
  }

  get queue(): Queue<WebhookMessage> {
    return this.part('queue');
  }

  get publisher(): WebhookPublisher {
    return this.part('publisher');
  }

  async start(): Promise<void> {
    const { label, allowPrivate, maxAttempts, backoffBaseMs, concurrency, alertPath } =
      this.options;
    // Filled in step by step, so close() releases whatever was opened before a step failed.
    const parts: RigParts = { tr: createTestRedis(label) };
    this.parts = parts;
    parts.workerConnection = new Redis(parts.tr.url, { maxRetriesPerRequest: null });
    parts.receiver = new WebhookTestReceiver(this.secret);
    await parts.receiver.listen();
    parts.store = new WebhookDeliveryStore(parts.tr.redis, parts.tr.prefix);
    parts.queue = new Queue<WebhookMessage>(WEBHOOK_QUEUE, {
      connection: parts.tr.redis,
      prefix: parts.tr.queuePrefix,
    });
    const alertUrl = alertPath === undefined ? undefined : parts.receiver.url(alertPath);
    parts.publisher = new WebhookPublisher(parts.queue, parts.store, alertUrl, { maxAttempts });
    parts.service = new WebhookDispatcherService({
      connection: parts.workerConnection,
      queuePrefix: parts.tr.queuePrefix,
      store: parts.store,
      secret: this.secret,
      allowPrivate,
      settings: {
        retry: { ...DEFAULT_WEBHOOK_RETRY_SETTINGS, maxAttempts, backoffBaseMs },
        timeoutMs: 1000,
        concurrency,
      },
      logger: this.logger,
      metrics: this.metrics,
    });
    await parts.service.start();
  }

  async close(): Promise<void> {
    const parts = this.parts;
    await parts?.service?.close();
    await parts?.queue?.close();
    await parts?.receiver?.close();
    parts?.workerConnection?.disconnect();
    await parts?.tr.cleanup();
  }

  private started(): RigParts {
    if (!this.parts) throw new Error('the webhook rig has not been started');
    return this.parts;
  }

  private part<K extends Exclude<keyof RigParts, 'tr'>>(name: K): NonNullable<RigParts[K]> {
    const value = this.started()[name];
    if (!value) throw new Error(`the webhook rig has no ${name}: start() did not finish`);
    return value as NonNullable<RigParts[K]>;
  }
}

/** A rig started before the spec's tests and closed after them. */
export function useWebhookRig(options: WebhookRigOptions): WebhookRig {
  const rig = new WebhookRig(options);
  beforeAll(() => rig.start());
  afterAll(() => rig.close());
  return rig;
}
