import { WEBHOOK_QUEUE } from '@switchyard/queue';
import { createTestRedis, type TestRedis } from '@switchyard/testing';
import {
  DEFAULT_WEBHOOK_RETRY_SETTINGS,
  WebhookDeliveryStore,
  WebhookDispatcherService,
  WebhookPublisher,
  WebhookSigner,
  type WebhookDeliveryStatus,
  type WebhookEventBody,
  type WebhookMessage,
} from '@switchyard/webhooks';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { MemoryLogger } from './memory-logger';
import { waitFor } from './wait-for';
import { WebhookTestReceiver } from '../support/webhook-test-receiver';

/**
 * Real Redis, real BullMQ queue and worker, real HTTP receiver on loopback (so private targets are
 * allowed here; the guard itself is exercised in webhook-ssrf.e2e-spec.ts).
 */
describe('webhook delivery (e2e)', () => {
  const secret = WebhookSigner.generateSecret();
  const maxAttempts = 4;
  let tr: TestRedis;
  let workerConnection: Redis;
  let queue: Queue<WebhookMessage>;
  let store: WebhookDeliveryStore;
  let publisher: WebhookPublisher;
  let service: WebhookDispatcherService;
  let receiver: WebhookTestReceiver;
  const logger = new MemoryLogger();

  const job = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
    id,
    status: 'succeeded',
    task: 'summarize',
    output: { text: 'hello' },
    webhook_url: receiver.url(path),
    ...extra,
  });

  const settled = (id: string): Promise<WebhookDeliveryStatus | null> =>
    waitFor(
      () => store.get(id),
      (r) => !!r && ['delivered', 'failed', 'gone'].includes(r.status),
      `delivery of ${id} to settle`,
    );

  beforeAll(async () => {
    tr = createTestRedis('webhooks');
    workerConnection = new Redis(tr.url, { maxRetriesPerRequest: null });
    receiver = new WebhookTestReceiver(secret);
    await receiver.listen();
    store = new WebhookDeliveryStore(tr.redis, tr.prefix);
    queue = new Queue<WebhookMessage>(WEBHOOK_QUEUE, {
      connection: tr.redis,
      prefix: tr.queuePrefix,
    });
    publisher = new WebhookPublisher(queue, store, receiver.url('/alerts'), { maxAttempts });
    service = new WebhookDispatcherService({
      connection: workerConnection,
      queuePrefix: tr.queuePrefix,
      store,
      secret,
      allowPrivate: true,
      settings: {
        retry: { ...DEFAULT_WEBHOOK_RETRY_SETTINGS, maxAttempts, backoffBaseMs: 20 },
        timeoutMs: 1000,
        concurrency: 4,
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

  it('delivers a signed job.succeeded event that standardwebhooks verifies', async () => {
    const completed = job('job-ok', '/ok');
    const published = await publisher.publishJobCompletion(completed, 'job.succeeded');
    expect(published).toMatchObject({ queued: true, webhookId: 'msg_job-ok_job.succeeded' });

    expect(await settled('job-ok')).toEqual({
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
      next_attempt_at: null,
    });
    const [request] = receiver.requestsTo('/ok');
    expect(request.method).toBe('POST');
    expect(request.verified).toBe(true);
    expect(request.headers['webhook-id']).toBe('msg_job-ok_job.succeeded');
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.rawBody) as WebhookEventBody;
    expect(body.type).toBe('job.succeeded');
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(body.data).toEqual(completed);
    // The secret never reaches logs.
    expect(logger.lines.join('\n')).not.toContain(secret.slice(6));
  });

  it('retries after 500s with the same webhook-id and body, then delivers', async () => {
    receiver.script('/flaky', [500, 500, 200]);
    await publisher.publishJobCompletion(
      job('job-flaky', '/flaky', { status: 'failed' }),
      'job.failed',
    );

    expect(await settled('job-flaky')).toEqual({
      status: 'delivered',
      attempts: 3,
      last_status_code: 200,
      next_attempt_at: null,
    });
    const requests = receiver.requestsTo('/flaky');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(
      new Set(['msg_job-flaky_job.failed']),
    );
    expect(new Set(requests.map((r) => r.rawBody)).size).toBe(1);
    expect(requests.every((r) => r.verified)).toBe(true);
  });

  it('does not follow a 3xx redirect and retries the original URL', async () => {
    receiver.script('/moved', [
      { status: 302, headers: { location: receiver.url('/elsewhere') } },
      204,
    ]);
    await publisher.publishJobCompletion(job('job-moved', '/moved'), 'job.succeeded');

    expect(await settled('job-moved')).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_status_code: 204,
    });
    expect(receiver.requestsTo('/moved')).toHaveLength(2);
    expect(receiver.requestsTo('/elsewhere')).toHaveLength(0);
  });

  it('retries an attempt that times out', async () => {
    receiver.script('/slow', ['hang', 200]);
    await publisher.publishJobCompletion(job('job-slow', '/slow'), 'job.succeeded');

    expect(await settled('job-slow')).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_status_code: 200,
    });
    expect(receiver.requestsTo('/slow')).toHaveLength(2);
  });

  it('stops for good on 410 Gone', async () => {
    receiver.script('/gone', [410, 200]);
    const published = await publisher.publishJobCompletion(
      job('job-gone', '/gone'),
      'job.succeeded',
    );

    expect(await settled('job-gone')).toEqual({
      status: 'gone',
      attempts: 1,
      last_status_code: 410,
      next_attempt_at: null,
    });
    // The BullMQ job failed outright: no retry is scheduled that could reach the receiver again.
    if (!published.queued) throw new Error('expected the event to be queued');
    expect(await queue.getJobState(published.deliveryId)).toBe('failed');
    expect(receiver.requestsTo('/gone')).toHaveLength(1);
  });

  it('gives up as failed after maxAttempts and keeps the last status', async () => {
    receiver.script('/down', [503]);
    const published = await publisher.publishJobCompletion(
      job('job-down', '/down'),
      'job.succeeded',
    );

    expect(await settled('job-down')).toEqual({
      status: 'failed',
      attempts: maxAttempts,
      last_status_code: 503,
      next_attempt_at: null,
    });
    if (!published.queued) throw new Error('expected the event to be queued');
    expect(await queue.getJobState(published.deliveryId)).toBe('failed');
    expect(receiver.requestsTo('/down')).toHaveLength(maxAttempts);
  });

  it('publishing the same completion twice yields one delivery', async () => {
    const completed = job('job-twice', '/twice');
    const [first, second] = await Promise.all([
      publisher.publishJobCompletion(completed, 'job.succeeded'),
      publisher.publishJobCompletion(completed, 'job.succeeded'),
    ]);
    // Both calls name the same BullMQ job (or the second finds it already under way).
    const ids = new Set([first, second].flatMap((r) => (r.queued ? [r.deliveryId] : [])));
    expect(ids).toEqual(new Set(['msg_job-twice_job.succeeded']));
    await settled('job-twice');
    // Once delivered, a third publish (e.g. a retried finalizer) is refused outright.
    expect(await publisher.publishJobCompletion(completed, 'job.succeeded')).toEqual({
      queued: false,
      reason: 'already_published',
    });
    const open = await queue.getJobs(['wait', 'delayed', 'active', 'prioritized']);
    expect(open.filter((j) => j.data.recordKey === 'job:job-twice')).toHaveLength(0);
    expect(receiver.requestsTo('/twice')).toHaveLength(1);
    expect((await store.get('job-twice'))?.attempts).toBe(1);
  });

  it('does nothing for a job without webhook_url', async () => {
    const result = await publisher.publishJobCompletion(
      { id: 'job-silent', status: 'succeeded' },
      'job.succeeded',
    );
    expect(result).toEqual({ queued: false, reason: 'no_webhook_url' });
    expect(await store.get('job-silent')).toBeNull();
  });

  it('redelivers the same message under the same webhook-id', async () => {
    await publisher.publishJobCompletion(job('job-again', '/again'), 'job.succeeded');
    await settled('job-again');
    const before = receiver.requestsTo('/again');
    expect(before).toHaveLength(1);

    const redelivered = await publisher.redeliver('job-again');
    expect(redelivered).toMatchObject({ queued: true, webhookId: 'msg_job-again_job.succeeded' });
    const record = await waitFor(
      () => store.get('job-again'),
      (r) => r?.status === 'delivered' && r.attempts === 2,
      'the redelivery',
    );
    expect(record?.last_status_code).toBe(200);
    const after = receiver.requestsTo('/again');
    expect(after).toHaveLength(2);
    expect(after[1].headers['webhook-id']).toBe(after[0].headers['webhook-id']);
    expect(after[1].rawBody).toBe(after[0].rawBody);
    expect(after[1].verified).toBe(true);

    expect(await publisher.redeliver('job-unknown')).toEqual({
      queued: false,
      reason: 'not_found',
    });
  });

  it('sends alerts to the operator webhook once per event id', async () => {
    const data = { task: 'summarize', day: '2025-06-01', spent_usd: 12.5, limit_usd: 10 };
    const first = await publisher.publishAlert(
      'budget.alert',
      data,
      'budget.alert:summarize:2025-06-01',
    );
    expect(first.queued).toBe(true);
    await waitFor(
      () => store.getRecord('alert:budget.alert:budget.alert:summarize:2025-06-01'),
      (r) => r?.status === 'delivered',
      'the alert delivery',
    );
    const again = await publisher.publishAlert(
      'budget.alert',
      data,
      'budget.alert:summarize:2025-06-01',
    );
    expect(again).toEqual({ queued: false, reason: 'already_published' });

    const alerts = receiver.requestsTo('/alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].verified).toBe(true);
    expect(JSON.parse(alerts[0].rawBody)).toMatchObject({ type: 'budget.alert', data });
  });

  it('does not send alerts when no alert webhook is configured', async () => {
    const quiet = new WebhookPublisher(queue, store, undefined, { maxAttempts });
    expect(await quiet.publishAlert('regression.detected', {}, 'r1')).toEqual({
      queued: false,
      reason: 'no_alert_webhook',
    });
  });
});
