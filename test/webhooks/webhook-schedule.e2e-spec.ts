import { waitFor } from '@switchyard/testing';
import { WEBHOOK_QUEUE } from '@switchyard/redis';
import { useWebhookRig } from './webhook-rig';

/**
 * With a long backoff the retry is still pending when we look, which makes the delivery record's
 * schedule observable — and lets an operator's redeliver jump the queue.
 */
describe('webhook retry schedule and redelivery (e2e)', () => {
  const backoffBaseMs = 60_000;
  const rig = useWebhookRig({
    label: 'webhooks-schedule',
    allowPrivate: true,
    maxAttempts: 3,
    backoffBaseMs,
    concurrency: 2,
  });

  it('shows pending with attempts, last status code and next_attempt_at, then redelivers', async () => {
    rig.receiver.script('/later', [500, 200]);
    const publishedAt = Date.now();
    const published = await rig.publisher.publishJobCompletion(
      { id: 'job-later', status: 'succeeded', webhook_url: rig.receiver.url('/later') },
      'job.succeeded',
    );
    if (!published.queued) throw new Error('expected the event to be queued');

    const pending = await waitFor(
      () => rig.store.get('job-later'),
      (r) => r?.status === 'pending' && r.attempts === 1,
      'the first failed attempt',
    );
    expect(pending.last_status_code).toBe(500);
    expect(pending.next_attempt_at).not.toBeNull();
    const next = Date.parse(pending.next_attempt_at ?? '');
    // The record announces the backoff BullMQ actually applies: base delay ± 20% jitter.
    expect(next).toBeGreaterThanOrEqual(publishedAt + backoffBaseMs * 0.8);
    expect(next).toBeLessThanOrEqual(Date.now() + backoffBaseMs * 1.2);
    const job = await rig.queue.getJob(published.deliveryId);
    expect(await job?.getState()).toBe('delayed');
    // BullMQ's own schedule (delayed-set score = due time * 0x1000) matches the announced time:
    // the backoff strategy returned the dispatcher's delay instead of drawing new jitter.
    const score = await rig.tr.redis.zscore(
      `${rig.tr.queuePrefix}:${WEBHOOK_QUEUE}:delayed`,
      published.deliveryId,
    );
    const due = Math.floor(Number(score) / 0x1000);
    expect(Math.abs(due - next)).toBeLessThan(2000);

    // The operator does not wait for the retry: redeliver now.
    const redelivered = await rig.publisher.redeliver('job-later');
    expect(redelivered.queued).toBe(true);
    const done = await waitFor(
      () => rig.store.get('job-later'),
      (r) => r?.status === 'delivered',
      'the redelivery',
    );
    expect(done).toEqual({
      status: 'delivered',
      attempts: 2,
      last_status_code: 200,
      next_attempt_at: null,
    });
    const requests = rig.receiver.requestsTo('/later');
    expect(requests).toHaveLength(2);
    expect(requests[1].headers['webhook-id']).toBe(requests[0].headers['webhook-id']);
    expect(requests.every((r) => r.verified)).toBe(true);

    // The original retry, when it comes due, sees the message delivered and sends nothing.
    await job?.promote();
    await waitFor(
      () => rig.queue.getJobState(published.deliveryId),
      (state) => state === 'completed',
      'the original retry to finish',
    );
    expect(await rig.queue.getJob(published.deliveryId).then((j) => j?.returnvalue)).toEqual({
      outcome: 'skipped',
    });
    expect(rig.receiver.requestsTo('/later')).toHaveLength(2);
  });
});
