import { waitFor } from '@switchyard/testing';
import {
  WebhookPublisher,
  type WebhookDeliveryStatus,
  type WebhookEventBody,
} from '@switchyard/webhooks';
import { useWebhookRig } from './webhook-rig';

/**
 * Real Redis, real BullMQ queue and worker, real HTTP receiver on loopback (so private targets are
 * allowed here; the guard itself is exercised in webhook-ssrf.e2e-spec.ts).
 */
describe('webhook delivery (e2e)', () => {
  const maxAttempts = 4;
  const rig = useWebhookRig({
    label: 'webhooks',
    allowPrivate: true,
    maxAttempts,
    backoffBaseMs: 20,
    concurrency: 4,
    alertPath: '/alerts',
  });

  const job = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
    id,
    status: 'succeeded',
    task: 'summarize',
    output: { text: 'hello' },
    webhook_url: rig.receiver.url(path),
    ...extra,
  });

  const settled = (id: string): Promise<WebhookDeliveryStatus | null> =>
    waitFor(
      () => rig.store.get(id),
      (r) => !!r && ['delivered', 'failed', 'gone'].includes(r.status),
      `delivery of ${id} to settle`,
    );

  it('delivers a signed job.succeeded event that standardwebhooks verifies', async () => {
    const completed = job('job-ok', '/ok');
    const published = await rig.publisher.publishJobCompletion(completed, 'job.succeeded');
    expect(published).toMatchObject({ queued: true, webhookId: 'msg_job-ok_job.succeeded' });

    expect(await settled('job-ok')).toEqual({
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
      next_attempt_at: null,
    });
    const [request] = rig.receiver.requestsTo('/ok');
    expect(request.method).toBe('POST');
    expect(request.verified).toBe(true);
    expect(request.headers['webhook-id']).toBe('msg_job-ok_job.succeeded');
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.rawBody) as WebhookEventBody;
    expect(body.type).toBe('job.succeeded');
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(body.data).toEqual(completed);
    // The secret never reaches logs.
    expect(rig.logger.lines.join('\n')).not.toContain(rig.secret.slice(6));
  });

  it('retries after 500s with the same webhook-id and body, then delivers', async () => {
    rig.receiver.script('/flaky', [500, 500, 200]);
    await rig.publisher.publishJobCompletion(
      job('job-flaky', '/flaky', { status: 'failed' }),
      'job.failed',
    );

    expect(await settled('job-flaky')).toEqual({
      status: 'delivered',
      attempts: 3,
      last_status_code: 200,
      next_attempt_at: null,
    });
    const requests = rig.receiver.requestsTo('/flaky');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(
      new Set(['msg_job-flaky_job.failed']),
    );
    expect(new Set(requests.map((r) => r.rawBody)).size).toBe(1);
    expect(requests.every((r) => r.verified)).toBe(true);
  });

  it('does not follow a 3xx redirect and retries the original URL', async () => {
    rig.receiver.script('/moved', [
      { status: 302, headers: { location: rig.receiver.url('/elsewhere') } },
      204,
    ]);
    await rig.publisher.publishJobCompletion(job('job-moved', '/moved'), 'job.succeeded');

    expect(await settled('job-moved')).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_status_code: 204,
    });
    expect(rig.receiver.requestsTo('/moved')).toHaveLength(2);
    expect(rig.receiver.requestsTo('/elsewhere')).toHaveLength(0);
  });

  it('retries an attempt that times out', async () => {
    rig.receiver.script('/slow', ['hang', 200]);
    await rig.publisher.publishJobCompletion(job('job-slow', '/slow'), 'job.succeeded');

    expect(await settled('job-slow')).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_status_code: 200,
    });
    expect(rig.receiver.requestsTo('/slow')).toHaveLength(2);
  });

  it('stops for good on 410 Gone', async () => {
    rig.receiver.script('/gone', [410, 200]);
    const published = await rig.publisher.publishJobCompletion(
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
    // The delivery record is written just before BullMQ moves the job to failed: wait for both.
    expect(
      await waitFor(
        () => rig.queue.getJobState(published.deliveryId),
        (state) => state === 'failed',
        'the BullMQ job to be failed',
      ),
    ).toBe('failed');
    expect(rig.receiver.requestsTo('/gone')).toHaveLength(1);
  });

  it('gives up as failed after maxAttempts and keeps the last status', async () => {
    rig.receiver.script('/down', [503]);
    const published = await rig.publisher.publishJobCompletion(
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
    // The delivery record is written just before BullMQ moves the job to failed: wait for both.
    expect(
      await waitFor(
        () => rig.queue.getJobState(published.deliveryId),
        (state) => state === 'failed',
        'the BullMQ job to be failed',
      ),
    ).toBe('failed');
    expect(rig.receiver.requestsTo('/down')).toHaveLength(maxAttempts);
  });

  it('publishing the same completion twice yields one delivery', async () => {
    const completed = job('job-twice', '/twice');
    const [first, second] = await Promise.all([
      rig.publisher.publishJobCompletion(completed, 'job.succeeded'),
      rig.publisher.publishJobCompletion(completed, 'job.succeeded'),
    ]);
    // Both calls name the same BullMQ job (or the second finds it already under way).
    const ids = new Set([first, second].flatMap((r) => (r.queued ? [r.deliveryId] : [])));
    expect(ids).toEqual(new Set(['msg_job-twice_job.succeeded']));
    await settled('job-twice');
    // Once delivered, a third publish (e.g. a retried finalizer) is refused outright.
    expect(await rig.publisher.publishJobCompletion(completed, 'job.succeeded')).toEqual({
      queued: false,
      reason: 'already_published',
    });
    const open = await rig.queue.getJobs(['wait', 'delayed', 'active', 'prioritized']);
    expect(open.filter((j) => j.data.recordKey === 'job:job-twice')).toHaveLength(0);
    expect(rig.receiver.requestsTo('/twice')).toHaveLength(1);
    expect((await rig.store.get('job-twice'))?.attempts).toBe(1);
  });

  it('does nothing for a job without webhook_url', async () => {
    const result = await rig.publisher.publishJobCompletion(
      { id: 'job-silent', status: 'succeeded' },
      'job.succeeded',
    );
    expect(result).toEqual({ queued: false, reason: 'no_webhook_url' });
    expect(await rig.store.get('job-silent')).toBeNull();
  });

  it('redelivers the same message under the same webhook-id', async () => {
    await rig.publisher.publishJobCompletion(job('job-again', '/again'), 'job.succeeded');
    await settled('job-again');
    const before = rig.receiver.requestsTo('/again');
    expect(before).toHaveLength(1);

    const redelivered = await rig.publisher.redeliver('job-again');
    expect(redelivered).toMatchObject({ queued: true, webhookId: 'msg_job-again_job.succeeded' });
    const record = await waitFor(
      () => rig.store.get('job-again'),
      (r) => r?.status === 'delivered' && r.attempts === 2,
      'the redelivery',
    );
    expect(record?.last_status_code).toBe(200);
    const after = rig.receiver.requestsTo('/again');
    expect(after).toHaveLength(2);
    expect(after[1].headers['webhook-id']).toBe(after[0].headers['webhook-id']);
    expect(after[1].rawBody).toBe(after[0].rawBody);
    expect(after[1].verified).toBe(true);

    expect(await rig.publisher.redeliver('job-unknown')).toEqual({
      queued: false,
      reason: 'not_found',
    });
  });

  it('sends alerts to the operator webhook once per event id', async () => {
    const data = { task: 'summarize', day: '2025-06-01', spent_usd: 12.5, limit_usd: 10 };
    const first = await rig.publisher.publishAlert(
      'budget.alert',
      data,
      'budget.alert:summarize:2025-06-01',
    );
    expect(first.queued).toBe(true);
    await waitFor(
      () => rig.store.getRecord('alert:budget.alert:budget.alert:summarize:2025-06-01'),
      (r) => r?.status === 'delivered',
      'the alert delivery',
    );
    const again = await rig.publisher.publishAlert(
      'budget.alert',
      data,
      'budget.alert:summarize:2025-06-01',
    );
    expect(again).toEqual({ queued: false, reason: 'already_published' });

    const alerts = rig.receiver.requestsTo('/alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].verified).toBe(true);
    expect(JSON.parse(alerts[0].rawBody)).toMatchObject({ type: 'budget.alert', data });
  });

  it('does not send alerts when no alert webhook is configured', async () => {
    const quiet = new WebhookPublisher(rig.queue, rig.store, undefined, { maxAttempts });
    expect(await quiet.publishAlert('regression.detected', {}, 'r1')).toEqual({
      queued: false,
      reason: 'no_alert_webhook',
    });
  });

  it('counts every attempt by the state it left the delivery in (switchyard_webhook_deliveries_total)', async () => {
    const count = async (outcome: string): Promise<number> => {
      const metric = await rig.metrics.webhookDeliveries.get();
      return metric.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    };
    const before = {
      pending: await count('pending'),
      delivered: await count('delivered'),
      gone: await count('gone'),
    };
    rig.receiver.script('/counted', [503, 200]);
    rig.receiver.script('/counted-gone', [410]);
    await rig.publisher.publishJobCompletion(job('job-counted', '/counted'), 'job.succeeded');
    await rig.publisher.publishJobCompletion(
      job('job-counted-gone', '/counted-gone'),
      'job.succeeded',
    );
    await settled('job-counted');
    await settled('job-counted-gone');

    // Counted just after the delivery record is written: wait for the counter, not the record.
    const counts = async () => ({
      pending: await count('pending'),
      delivered: await count('delivered'),
      gone: await count('gone'),
    });
    const expected = {
      pending: before.pending + 1,
      delivered: before.delivered + 1,
      gone: before.gone + 1,
    };
    await waitFor(
      counts,
      (c) => c.delivered >= expected.delivered && c.gone >= expected.gone,
      'counts',
    );
    expect(await counts()).toEqual(expected);
  });
});
