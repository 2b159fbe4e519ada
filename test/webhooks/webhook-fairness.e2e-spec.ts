import { WEBHOOK_QUEUE } from '@switchyard/redis';
import { createTestRedis, type TestRedis, waitFor } from '@switchyard/testing';
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

/**
 * Issue 14 item 14: tenant A's receivers hang; tenant B's webhook, published after A's, still
 * arrives promptly because A's destination may hold only a few of the pool's slots.
 */
describe('webhook pool fairness between tenants', () => {
  const secret = WebhookSigner.generateSecret();
  let tr: TestRedis;
  let workerConnection: Redis;
  let hanging: WebhookTestReceiver;
  let prompt: WebhookTestReceiver;
  let queue: Queue<WebhookMessage>;
  let service: WebhookDispatcherService;
  let publisher: WebhookPublisher;

  beforeAll(async () => {
    tr = createTestRedis('wh-fair');
    workerConnection = new Redis(tr.url, { maxRetriesPerRequest: null });
    hanging = new WebhookTestReceiver(secret);
    prompt = new WebhookTestReceiver(secret);
    await hanging.listen();
    await prompt.listen();
    hanging.script('/a', ['hang']);
    const store = new WebhookDeliveryStore(tr.redis, tr.prefix);
    queue = new Queue<WebhookMessage>(WEBHOOK_QUEUE, {
      connection: tr.redis,
      prefix: tr.queuePrefix,
    });
    publisher = new WebhookPublisher(queue, store, undefined, { maxAttempts: 3 });
    service = new WebhookDispatcherService({
      connection: workerConnection,
      queuePrefix: tr.queuePrefix,
      store,
      secret,
      allowPrivate: true,
      logger: new MemoryLogger(),
      settings: {
        retry: { ...DEFAULT_WEBHOOK_RETRY_SETTINGS, maxAttempts: 3, backoffBaseMs: 60_000 },
        // A hanging receiver holds its slot this long per attempt.
        timeoutMs: 20_000,
        concurrency: 8,
        destinationConcurrency: 2,
      },
    });
    await service.start();
  });

  afterAll(async () => {
    await hanging.close(); // frees the hung attempts so close() does not wait out the timeout
    await service.close();
    await queue.close();
    await prompt.close();
    workerConnection.disconnect();
    await tr.cleanup();
  });

  it("delivers tenant B's webhook within 5 s while 24 of tenant A's receivers hang", async () => {
    for (let i = 0; i < 24; i++) {
      await publisher.publishJobCompletion(
        { id: `job-a-${i}`, webhook_url: hanging.url('/a') },
        'job.succeeded',
      );
    }
    // Tenant A's deliveries are under way (hanging) before B's is published.
    await waitFor(
      async () => hanging.requestsTo('/a').length,
      (n) => n >= 2,
      "tenant A's first deliveries",
    );
    const publishedAt = Date.now();
    await publisher.publishJobCompletion(
      { id: 'job-b', webhook_url: prompt.url('/b') },
      'job.succeeded',
    );
    const arrived = await waitFor(
      async () => (prompt.requestsTo('/b').length ? Date.now() : null),
      () => true,
      "tenant B's webhook",
      60_000,
    );
    expect(arrived - publishedAt).toBeLessThan(5_000);
    expect(prompt.requestsTo('/b')[0].verified).toBe(true);

    // A's postponed deliveries are not failed attempts: none of A's records counts more than one.
    const a = await queue.getJob(encodeURIComponent('msg_job-a-23_job.succeeded'));
    expect(a?.attemptsMade ?? 0).toBe(0);
  });
});
