import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@switchyard/config';
import { WEBHOOK_QUEUE } from '@switchyard/redis';
import { createTestRedis, type TestRedis, waitFor } from '@switchyard/testing';
import {
  loadWebhookSettings,
  WebhookDeliveryStore,
  WebhookDispatcherService,
  WebhookPublisher,
  WebhookSecretError,
  WebhookSigner,
  type WebhookMessage,
} from '@switchyard/webhooks';
import { Queue } from 'bullmq';
import type { AddressInfo } from 'node:net';
import { createDispatcherApp } from '../../apps/dispatcher/src/dispatcher-app';
import { WebhookTestReceiver } from '../support/webhook-test-receiver';

/** The dedicated dispatcher app, configured from the environment exactly as main.ts does. */
describe('dispatcher app (e2e)', () => {
  const secret = WebhookSigner.generateSecret();
  let tr: TestRedis;
  let receiver: WebhookTestReceiver;
  let app: INestApplication | undefined;
  let queue: Queue<WebhookMessage>;
  let baseUrl: string;

  const envFor = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    REDIS_URL: tr.url,
    SWITCHYARD_REDIS_PREFIX: tr.prefix,
    SWITCHYARD_QUEUE_PREFIX: tr.queuePrefix,
    SWITCHYARD_WEBHOOK_SECRET: secret,
    SWITCHYARD_WEBHOOK_ALLOW_PRIVATE: 'true',
    SWITCHYARD_WEBHOOK_MAX_ATTEMPTS: '3',
    SWITCHYARD_WEBHOOK_BACKOFF_BASE_MS: '20',
    ...overrides,
  });

  beforeAll(async () => {
    tr = createTestRedis('webhooks-app');
    receiver = new WebhookTestReceiver(secret);
    await receiver.listen();
    queue = new Queue<WebhookMessage>(WEBHOOK_QUEUE, {
      connection: tr.redis,
      prefix: tr.queuePrefix,
    });
    const env = envFor();
    app = await createDispatcherApp(loadConfig(env), loadWebhookSettings(env), { logger: false });
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await queue?.close();
    await receiver?.close();
    await tr?.cleanup();
  });

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { redis: 'ok', worker: 'running' },
    });
  });

  it('delivers from the queue with the configured prefixes, secret and retry settings', async () => {
    receiver.script('/app', [500, 200]);
    const store = new WebhookDeliveryStore(tr.redis, tr.prefix);
    // maxAttempts comes from SWITCHYARD_WEBHOOK_MAX_ATTEMPTS when not given explicitly.
    const saved = process.env.SWITCHYARD_WEBHOOK_MAX_ATTEMPTS;
    process.env.SWITCHYARD_WEBHOOK_MAX_ATTEMPTS = '3';
    const publisher = new WebhookPublisher(queue, store);
    if (saved === undefined) delete process.env.SWITCHYARD_WEBHOOK_MAX_ATTEMPTS;
    else process.env.SWITCHYARD_WEBHOOK_MAX_ATTEMPTS = saved;

    await publisher.publishJobCompletion(
      { id: 'job-app', status: 'succeeded', webhook_url: receiver.url('/app') },
      'job.succeeded',
    );
    const record = await waitFor(
      () => store.get('job-app'),
      (r) => r.status === 'delivered',
      'delivery through the dispatcher app',
    );
    expect(record).toMatchObject({ attempts: 2, last_status_code: 200 });
    expect(receiver.requestsTo('/app').every((r) => r.verified)).toBe(true);
  });

  it('refuses to start without SWITCHYARD_WEBHOOK_SECRET, naming the variable', async () => {
    const env = envFor({ SWITCHYARD_WEBHOOK_SECRET: '' });
    await expect(
      createDispatcherApp(loadConfig(env), loadWebhookSettings(env), { logger: false }),
    ).rejects.toThrow(WebhookSecretError);
    await expect(
      createDispatcherApp(loadConfig(env), loadWebhookSettings(env), { logger: false }),
    ).rejects.toThrow(/SWITCHYARD_WEBHOOK_SECRET is not set/);
  });

  it('refuses a malformed secret without echoing it', async () => {
    const env = envFor({ SWITCHYARD_WEBHOOK_SECRET: 'whsec_%%%oops-not-base64%%%' });
    const attempt = createDispatcherApp(loadConfig(env), loadWebhookSettings(env), {
      logger: false,
    });
    await expect(attempt).rejects.toThrow(WebhookSecretError);
    await expect(attempt).rejects.not.toThrow(/oops/);
  });

  it('refuses to start without REDIS_URL', async () => {
    const env = envFor({ REDIS_URL: '' });
    await expect(
      createDispatcherApp(loadConfig(env), loadWebhookSettings(env), { logger: false }),
    ).rejects.toThrow(/REDIS_URL is required/);
  });

  it('stops consuming on shutdown and can be closed twice', async () => {
    const env = envFor();
    const other = await createDispatcherApp(loadConfig(env), loadWebhookSettings(env), {
      logger: false,
    });
    await other.init();
    const service = other.get(WebhookDispatcherService);
    expect(service.isRunning()).toBe(true);
    await other.close();
    expect(service.isRunning()).toBe(false);
    await expect(other.close()).resolves.toBeUndefined();
  });

  it('serves /metrics, counting its deliveries by outcome', async () => {
    const scrape = async (): Promise<Record<string, number>> => {
      const res = await fetch(`${baseUrl}/metrics`);
      expect(res.status).toBe(200);
      const counts: Record<string, number> = {};
      for (const m of (await res.text()).matchAll(
        /^switchyard_webhook_deliveries_total\{outcome="(\w+)"\} (\d+)$/gm,
      )) {
        counts[m[1]] = Number(m[2]);
      }
      return counts;
    };
    const before = await scrape();
    receiver.script('/metered', [500, 200]);
    const store = new WebhookDeliveryStore(tr.redis, tr.prefix);
    await new WebhookPublisher(queue, store, undefined, { maxAttempts: 3 }).publishJobCompletion(
      { id: 'job-metered', status: 'succeeded', webhook_url: receiver.url('/metered') },
      'job.succeeded',
    );
    await waitFor(
      () => store.get('job-metered'),
      (r) => r.status === 'delivered',
      'delivery through the dispatcher app',
    );
    // Counted just after the delivery record is written: wait for the counter, not the record.
    const after = await waitFor(scrape, (c) => c.delivered > (before.delivered ?? 0), 'the count');
    expect(after.pending).toBe((before.pending ?? 0) + 1);
    expect(after.delivered).toBe((before.delivered ?? 0) + 1);
  });
});
