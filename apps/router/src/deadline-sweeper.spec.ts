import { Queue } from 'bullmq';
import { JobCompletionChannel, JobFinalizer, JobStore, type JobRecord } from '@switchyard/jobs';
import { WEBHOOK_QUEUE, createRedisClient } from '@switchyard/redis';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { closedPort } from '../../../libs/ledger/src/testing/ledger-test-support';
import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { WebhookDeliveryStore, WebhookPublisher, jobRecordKey } from '@switchyard/webhooks';
import { DeadlineSweeper } from './deadline-sweeper';

/**
 * The sweeper is one of the ways a job ends, so its end is announced as a worker's is: the
 * completion webhook is queued (issue 14), and an announcement cut short is finished later
 * rather than lost with the job already terminal.
 */
describe('DeadlineSweeper announces the jobs it ends', () => {
  let t: TestRedis;
  let jobs: JobStore;
  let queue: Queue;
  let deliveries: WebhookDeliveryStore;

  const overdueJob = (id: string): JobRecord => {
    const past = new Date(Date.now() - 120_000);
    return {
      id,
      tenant: 'acme',
      task: 'reasoning',
      status: 'running',
      request: {
        messages: [{ role: 'user', content: 'hi' }],
        webhook_url: 'https://hooks.example.com/done',
      },
      plan: {
        candidates: [
          { provider: 'openai', model: 'gpt-x', estimated_cost_usd: 0.001, max_tokens: 100 },
        ],
        skipped: [],
        estimated_input_tokens: 1,
        max_tokens: 100,
      },
      deadline_at: past.getTime() + 30_000,
      cost_usd: 0,
      current_hop: 0,
      created_at: past.toISOString(),
      updated_at: past.toISOString(),
    } as JobRecord;
  };

  const sweeperWith = (store: WebhookDeliveryStore) =>
    new DeadlineSweeper(
      jobs,
      new JobFinalizer(
        jobs,
        new JobCompletionChannel(t.redis, t.redis, t.prefix),
        new WebhookPublisher(queue, store, undefined, { maxAttempts: 1 }),
        new SwitchyardMetrics(),
      ),
    );

  const queuedWebhooks = async () => (await queue.getJobs(['waiting', 'delayed', 'active'])).length;

  beforeAll(() => {
    t = createTestRedis('sweeper');
    jobs = new JobStore(t.redis, t.prefix, 3600);
    queue = new Queue(WEBHOOK_QUEUE, { connection: t.redis, prefix: t.queuePrefix });
    deliveries = new WebhookDeliveryStore(t.redis, t.prefix);
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
  });

  afterAll(async () => {
    await queue.close();
    await t.cleanup();
  });

  it('fails an overdue job with deadline_exceeded and queues its job.failed webhook', async () => {
    await jobs.create(overdueJob('job_swept'));
    expect(await sweeperWith(deliveries).sweep()).toBe(1);

    const job = await jobs.get('job_swept');
    expect(job).toMatchObject({ status: 'failed', error: { type: 'deadline_exceeded' } });
    const message = await deliveries.getMessage(jobRecordKey('job_swept'));
    expect(message).toMatchObject({ type: 'job.failed', url: 'https://hooks.example.com/done' });
    expect(await queuedWebhooks()).toBe(1);
    expect(await jobs.overdue(Date.now())).toEqual([]);
  });

  it('a sweep whose webhook could not be queued is finished by the next sweep, once', async () => {
    await jobs.create(overdueJob('job_cut_short'));
    // The first router ends the job, then loses Redis before the webhook's record is written.
    const unreachable = createRedisClient(`redis://127.0.0.1:${await closedPort()}`, 'producer');
    try {
      await sweeperWith(new WebhookDeliveryStore(unreachable, t.prefix)).sweep();
    } finally {
      unreachable.disconnect();
    }
    expect((await jobs.get('job_cut_short'))?.status).toBe('failed');
    expect(await deliveries.getMessage(jobRecordKey('job_cut_short'))).toBeNull();

    // The next sweep (this router or another) finds the job and announces it.
    const next = sweeperWith(deliveries);
    expect(await next.sweep()).toBe(0);
    expect(await deliveries.getMessage(jobRecordKey('job_cut_short'))).toMatchObject({
      type: 'job.failed',
    });
    expect(await queuedWebhooks()).toBe(1);

    // Announced: the job has left the sweeper's index, and no second message goes out.
    expect(await jobs.overdue(Date.now())).toEqual([]);
    await next.sweep();
    expect(await queuedWebhooks()).toBe(1);
  });
});
