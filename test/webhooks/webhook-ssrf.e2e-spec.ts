import { WEBHOOK_QUEUE } from '@switchyard/queue';
import { createTestRedis, type TestRedis } from '@switchyard/testing';
import {
  DEFAULT_WEBHOOK_RETRY_SETTINGS,
  validateWebhookUrl,
  WebhookDeliveryStore,
  WebhookDispatcherService,
  WebhookPublisher,
  WebhookSigner,
  type WebhookMessage,
} from '@switchyard/webhooks';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { MemoryLogger } from './memory-logger';
import { waitFor } from './wait-for';
import { WebhookTestReceiver } from '../support/webhook-test-receiver';

/**
 * The SSRF guard ON (SWITCHYARD_WEBHOOK_ALLOW_PRIVATE unset) with a live receiver on loopback:
 * refused at submission by validateWebhookUrl, and again by the dispatcher at delivery time for a
 * URL that slipped past submission — the receiver must never see a request.
 */
describe('webhook SSRF guard (e2e)', () => {
  const secret = WebhookSigner.generateSecret();
  let tr: TestRedis;
  let workerConnection: Redis;
  let queue: Queue<WebhookMessage>;
  let store: WebhookDeliveryStore;
  let publisher: WebhookPublisher;
  let service: WebhookDispatcherService;
  let receiver: WebhookTestReceiver;
  const logger = new MemoryLogger();

  beforeAll(async () => {
    tr = createTestRedis('webhooks-ssrf');
    workerConnection = new Redis(tr.url, { maxRetriesPerRequest: null });
    receiver = new WebhookTestReceiver(secret);
    await receiver.listen();
    store = new WebhookDeliveryStore(tr.redis, tr.prefix);
    queue = new Queue<WebhookMessage>(WEBHOOK_QUEUE, {
      connection: tr.redis,
      prefix: tr.queuePrefix,
    });
    publisher = new WebhookPublisher(queue, store, receiver.url('/operator-alerts'), {
      maxAttempts: 5,
    });
    service = new WebhookDispatcherService({
      connection: workerConnection,
      queuePrefix: tr.queuePrefix,
      store,
      secret,
      allowPrivate: false,
      settings: {
        retry: { ...DEFAULT_WEBHOOK_RETRY_SETTINGS, maxAttempts: 5, backoffBaseMs: 20 },
        timeoutMs: 1000,
        concurrency: 2,
      },
      logger,
    });
    await service.start();
  });

  afterAll(async () => {
    await service?.close();
    await queue?.close();
    await receiver?.close();
    workerConnection?.disconnect();
    await tr?.cleanup();
  });

  it('refuses the loopback receiver at submission', async () => {
    const result = await validateWebhookUrl(receiver.url('/hook'), { allowPrivate: false });
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/loopback/) });
    await expect(
      validateWebhookUrl(receiver.url('/hook'), { allowPrivate: true }),
    ).resolves.toEqual({ ok: true });
  });

  it.each([
    ['a literal loopback IP', (port: number) => `http://127.0.0.1:${port}/literal`],
    ['an IPv4-mapped IPv6 literal', (port: number) => `http://[::ffff:127.0.0.1]:${port}/mapped`],
    ['a name resolving to loopback', (port: number) => `http://localhost:${port}/named`],
  ])(
    'refuses %s at delivery: never reaches the receiver, recorded as failed',
    async (_label, url) => {
      const id = `job-${_label.replace(/\W+/g, '-')}`;
      const published = await publisher.publishJobCompletion(
        { id, status: 'succeeded', webhook_url: url(receiver.port) },
        'job.succeeded',
      );
      const record = await waitFor(
        () => store.get(id),
        (r) => r?.status === 'failed',
        `refusal of ${id}`,
      );
      expect(record).toEqual({
        status: 'failed',
        attempts: 1,
        last_status_code: null,
        next_attempt_at: null,
      });
      const detail = await store.getDetail(`job:${id}`);
      expect(detail?.last_error).toMatch(/refused: .*loopback/);
      if (!published.queued) throw new Error('expected the event to be queued');
      // Final: not retried, so DNS cannot be raced into an allowed answer on a later attempt.
      expect(await queue.getJobState(published.deliveryId)).toBe('failed');
      expect(receiver.received.filter((r) => r.path !== '/operator-alerts')).toHaveLength(0);
    },
  );

  it('refuses cloud metadata targets', async () => {
    await publisher.publishJobCompletion(
      {
        id: 'job-meta',
        status: 'succeeded',
        webhook_url: 'http://169.254.169.254/latest/meta-data/',
      },
      'job.succeeded',
    );
    const record = await waitFor(
      () => store.getDetail('job:job-meta'),
      (r) => r?.status === 'failed',
      'refusal of the metadata target',
    );
    expect(record.last_error).toMatch(/metadata/);
    expect(record.attempts).toBe(1);
  });

  it('trusts the operator-configured alert URL with private addresses', async () => {
    await publisher.publishAlert('regression.detected', { task: 'summarize' }, 'summarize:v2');
    await waitFor(
      () => store.getRecord('alert:regression.detected:summarize:v2'),
      (r) => r?.status === 'delivered',
      'the alert delivery',
    );
    const alerts = receiver.requestsTo('/operator-alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].verified).toBe(true);
  });
});
