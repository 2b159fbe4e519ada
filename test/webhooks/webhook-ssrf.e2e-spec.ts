import { waitFor } from '@switchyard/testing';
import { validateWebhookUrl } from '@switchyard/webhooks';
import { useWebhookRig } from './webhook-rig';

/**
 * The SSRF guard ON (SWITCHYARD_WEBHOOK_ALLOW_PRIVATE unset) with a live receiver on loopback:
 * refused at submission by validateWebhookUrl, and again by the dispatcher at delivery time for a
 * URL that slipped past submission — the receiver must never see a request.
 */
describe('webhook SSRF guard (e2e)', () => {
  const rig = useWebhookRig({
    label: 'webhooks-ssrf',
    allowPrivate: false,
    maxAttempts: 5,
    backoffBaseMs: 20,
    concurrency: 2,
    alertPath: '/operator-alerts',
  });

  it('refuses the loopback receiver at submission', async () => {
    const result = await validateWebhookUrl(rig.receiver.url('/hook'), { allowPrivate: false });
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/loopback/) });
    await expect(
      validateWebhookUrl(rig.receiver.url('/hook'), { allowPrivate: true }),
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
      const published = await rig.publisher.publishJobCompletion(
        { id, status: 'succeeded', webhook_url: url(rig.receiver.port) },
        'job.succeeded',
      );
      const record = await waitFor(
        () => rig.store.get(id),
        (r) => r?.status === 'failed',
        `refusal of ${id}`,
      );
      expect(record).toEqual({
        status: 'failed',
        attempts: 1,
        last_status_code: null,
        next_attempt_at: null,
      });
      const detail = await rig.store.getDetail(`job:${id}`);
      expect(detail?.last_error).toMatch(/refused: .*loopback/);
      if (!published.queued) throw new Error('expected the event to be queued');
      // Final: not retried, so DNS cannot be raced into an allowed answer on a later attempt.
      expect(await rig.queue.getJobState(published.deliveryId)).toBe('failed');
      expect(rig.receiver.received.filter((r) => r.path !== '/operator-alerts')).toHaveLength(0);
    },
  );

  it('refuses cloud metadata targets', async () => {
    await rig.publisher.publishJobCompletion(
      {
        id: 'job-meta',
        status: 'succeeded',
        webhook_url: 'http://169.254.169.254/latest/meta-data/',
      },
      'job.succeeded',
    );
    const record = await waitFor(
      () => rig.store.getDetail('job:job-meta'),
      (r) => r?.status === 'failed',
      'refusal of the metadata target',
    );
    expect(record.last_error).toMatch(/metadata/);
    expect(record.attempts).toBe(1);
  });

  it('trusts the operator-configured alert URL with private addresses', async () => {
    await rig.publisher.publishAlert('regression.detected', { task: 'summarize' }, 'summarize:v2');
    await waitFor(
      () => rig.store.getRecord('alert:regression.detected:summarize:v2'),
      (r) => r?.status === 'delivered',
      'the alert delivery',
    );
    const alerts = rig.receiver.requestsTo('/operator-alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].verified).toBe(true);
  });
});
