import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { WEBHOOK_QUEUE } from '@switchyard/redis';
import {
  WebhookDeliveryStore,
  WebhookPublisher,
  alertWebhookId,
  type WebhookMessage,
} from '@switchyard/webhooks';
import { Queue } from 'bullmq';
import type { CallRecord } from './call-record.types';
import { CallLedger } from './call-ledger';
import { runMigrations } from './migrate';
import { RegressionDetector } from './regression-detector';
import type { RegressionFinding } from './regression.types';
import {
  openPgliteBackend,
  openPostgresBackend,
  type TestBackend,
} from './testing/ledger-test-support';

const HOUR = 3600_000;

/** Issue 14 item 9: a finding claimed in the ledger whose alert failed to queue is sent later. */
describe.each([
  ['postgres', () => openPostgresBackend('regr_pub')],
  ['pglite', () => openPgliteBackend('regr_pub')],
])('regression alert whose first publish fails, on %s', (_name, open) => {
  let backend: TestBackend;
  let tr: TestRedis;
  let queue: Queue<WebhookMessage>;
  let publisher: WebhookPublisher;

  beforeAll(async () => {
    backend = open();
    await runMigrations(backend.client, { schema: backend.schema });
    tr = createTestRedis('regr-pub');
    queue = new Queue<WebhookMessage>(WEBHOOK_QUEUE, {
      connection: tr.redis,
      prefix: tr.queuePrefix,
    });
    const store = new WebhookDeliveryStore(tr.redis, tr.prefix);
    publisher = new WebhookPublisher(queue, store, 'https://alerts.example.com/hook');
  }, 60_000);

  afterAll(async () => {
    await queue.close();
    await tr.cleanup();
    await backend.cleanup();
  });

  it('is queued exactly once by the next check', async () => {
    const ledger = new CallLedger({ client: backend.client, schema: backend.schema });
    const now = Date.now();
    // v2 fails every fifth call where v1 never failed: an error_rate regression.
    for (const [revision, start, failEvery] of [
      ['r-v1', now - 2 * HOUR, 0],
      ['r-v2', now - HOUR, 5],
    ] as const) {
      for (let i = 0; i < 30; i++) {
        const failed = failEvery > 0 && i % failEvery === failEvery - 1;
        const started = new Date(start + i * 1000);
        const record: CallRecord = {
          job_id: `${revision}-${i}`,
          tenant: 't1',
          task: 'classify',
          attempt: 1,
          provider: 'openai',
          model: 'gpt-r',
          model_revision: revision,
          error_type: failed ? 'server_error' : null,
          latency_ms: 300,
          started_at: started,
          finished_at: new Date(started.getTime() + 300),
        };
        await ledger.record(record);
      }
    }
    await ledger.flush();

    let calls = 0;
    const publish = async (f: RegressionFinding): Promise<void> => {
      calls++;
      if (calls === 1) throw new Error('Redis unavailable'); // the first queueing fails
      await publisher.publishAlert(
        'regression.detected',
        f,
        `${f.task}:${f.model}:${f.new_revision}:${f.metric}`,
      );
    };
    const detector = new RegressionDetector(backend.client, { schema: backend.schema });

    expect(await detector.check({ publish })).toEqual([]);
    const second = await detector.check({ publish });
    expect(second.map((f) => [f.task, f.new_revision, f.metric])).toEqual([
      ['classify', 'r-v2', 'error_rate'],
    ]);
    // Later checks, also by another process, publish nothing more.
    expect(await detector.check({ publish })).toEqual([]);
    const otherProcess = new RegressionDetector(backend.client, { schema: backend.schema });
    expect(await otherProcess.check({ publish })).toEqual([]);

    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.map((j) => j.id)).toEqual([
      alertWebhookId('regression.detected', 'classify:openai/gpt-r:r-v2:error_rate'),
    ]);
    expect(jobs[0].data).toMatchObject({ type: 'regression.detected' });
    expect(calls).toBe(2);
  });
});
