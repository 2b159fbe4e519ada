import { RedisServerProcess, SwitchyardStack } from '@switchyard/testing';
import {
  answerWithin,
  pool,
  rawJob,
  reasoning,
  sleep,
  until,
  waitForAll,
} from './resilience-support';

/**
 * Issue 5, guarantee 3: Redis restarts. This suite runs its own redis-server (AOF on, like a
 * production Redis) on a random port, never the machine's shared one, and stops and restarts it
 * under a running stack: requests during the outage get a clear 503, no process dies, and every
 * job accepted before the outage finishes once Redis is back.
 */
describe('Redis stopped and restarted under a running stack', () => {
  let redis: RedisServerProcess;
  let stack: SwitchyardStack;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    stack = await SwitchyardStack.start({ redisUrl: redis.url, providers: ['openai'] });
  });

  afterAll(async () => {
    // The stack deletes its keys on stop, so Redis must be up for that.
    if (redis) await redis.start();
    await stack?.stop();
    await redis?.destroy();
  });

  it('answers 503 service_unavailable during the outage, keeps every process alive, and finishes every job accepted before it', async () => {
    // 30 jobs on a provider that takes 1.5 s with 20 calls at a time: when Redis goes away, some
    // calls are in flight and some jobs still wait in the queue.
    stack.sim.addFault({ provider: 'openai', latency_ms: 1500 });
    const ids = await pool(
      Array.from({ length: 30 }, (_, i) => i),
      10,
      async (i) => {
        const res = await stack.submit(reasoning(`before the outage ${i}`));
        expect(res.status).toBe(202);
        return res.body.id as string;
      },
    );
    await until(
      async () => (await stack.request('GET', `/v1/jobs/${ids[0]}`)).body.status,
      (s) => s === 'running',
      'the first calls to be in flight',
    );

    await redis.stop();
    try {
      // The outage as the API sees it: from the moment the ingress noticed the lost connection
      // (its readiness probe turns 503 at once). A request already running at that very moment
      // waits on the reconnecting connection until Redis is back instead.
      const ready = await until(
        () => answerWithin(stack.request('GET', '/readyz', undefined, {}, null), 5000),
        (r) => r.status !== 200,
        'the ingress to notice the outage',
        10_000,
      );
      expect(ready).toMatchObject({ status: 503, body: { status: 'not_ready' } });
      const during = await answerWithin(stack.submit(reasoning('during the outage')), 5000);
      expect(during).toMatchObject({
        status: 503,
        body: { error: { type: 'service_unavailable' } },
      });
      expect(during.body.error.message).toMatch(/redis/i);
      const read = await answerWithin(stack.request('GET', `/v1/jobs/${ids[0]}`), 5000);
      expect(read).toMatchObject({ status: 503, body: { error: { type: 'service_unavailable' } } });

      // The calls in flight answer meanwhile (1.5 s); the processes must outlive that and the
      // failed reconnects.
      await sleep(2500);
      for (const proc of stack.processes.values()) {
        expect({ process: proc.name, running: proc.running }).toEqual({
          process: proc.name,
          running: true,
        });
      }
    } finally {
      await redis.start();
    }

    // Back: everything accepted before the outage ends, and ends well.
    const jobs = await waitForAll(stack, ids, 90_000);
    for (const job of jobs) {
      expect(job).toMatchObject({ status: 'succeeded', result: { provider: 'openai' } });
      expect(job.attempts.filter((a: { status: string }) => a.status === 'succeeded')).toHaveLength(
        1,
      );
      expect((await rawJob(stack, job.id)).finalized_by).toBe('h0');
    }
    // And the API takes new jobs again.
    const again = await until(
      () => stack.submit(reasoning('after the outage')),
      (r) => r.status === 202,
      'the API to accept jobs again',
      15_000,
    );
    expect((await stack.waitForJob(again.body.id)).status).toBe('succeeded');
  });
});
