import { Queue } from 'bullmq';
import {
  JobCompletionChannel,
  JobFinalizer,
  JobStore,
  fallbackSnapshotOf,
  type JobResult,
  type RouterJobData,
} from '@switchyard/jobs';
import {
  ROUTER_QUEUE,
  WEBHOOK_QUEUE,
  attemptJobId,
  providerQueueName,
  routerJobId,
  type AttemptJobData,
} from '@switchyard/redis';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { SwitchyardStack, WebhookTestReceiver } from '@switchyard/testing';
import { WebhookDeliveryStore, WebhookPublisher } from '@switchyard/webhooks';
import {
  completionEvents,
  pool,
  rawJob,
  reasoning,
  resetCircuits,
  simCalls,
  sleep,
  until,
  waitForAll,
} from './resilience-support';

/**
 * Issue 5, guarantees 1, 2 and 4, against separate processes from dist/ (dispatcher included):
 * a worker or the router dies with SIGKILL in the middle of a step, a worker freezes, a step is
 * repeated, and every job still ends exactly once: one terminal state (one finalizer), one
 * completion webhook, one billed result.
 *
 * SWITCHYARD_LOCK_DURATION_MS: a step of a dead process is only taken up again once its BullMQ
 * lock expires; with the 30 s default that is as long as the e2e tasks' whole deadline (the job
 * would fail with deadline_exceeded instead of being recovered), so the suite shortens it (the
 * lock is renewed every half of it while a step runs). Provider timeouts are long so a frozen
 * worker's call can still succeed after the freeze (see the last test).
 */
describe('crashed, frozen and repeated steps: every job ends exactly once', () => {
  let stack: SwitchyardStack;
  let receiver: WebhookTestReceiver;
  let jobs: JobStore;
  const queues = new Map<string, Queue>();

  const queue = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: stack.redis.redis, prefix: stack.redis.queuePrefix });
      queues.set(name, q);
    }
    return q;
  };

  /** Waits for `count` webhooks on the path, then long enough for a duplicate to follow. */
  const settledEvents = async (path: string, count = 1, timeoutMs = 30_000) => {
    await until(
      () => receiver.requestsTo(path).length,
      (n) => n >= count,
      `${count} webhook(s) on ${path}`,
      timeoutMs,
    );
    await sleep(1000);
    return completionEvents(receiver.requestsTo(path));
  };

  /** What a BullMQ job returned once completed (undefined before). */
  const outcomeOf = async (queueName: string, jobId: string): Promise<unknown> => {
    const j = await queue(queueName).getJob(jobId);
    return (await j?.getState()) === 'completed' ? j?.returnvalue : undefined;
  };

  /**
   * Submits a job whose primary fails with `status` while the router is down, and returns it
   * once the worker has handed its hop to the router (the router job, not yet decided).
   */
  const handedOffWhileRouterDown = async (path: string, status: number, name: string) => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status });
    await stack.process('router').stop('SIGKILL');
    const submitted = await stack.submit(reasoning(name, { webhook_url: receiver.url(path) }));
    const id = submitted.body.id as string;
    const routed = await until(
      () => queue(ROUTER_QUEUE).getJob(routerJobId(id, 0)),
      (j) => !!j,
      'the hand-off',
    );
    return { id, routed };
  };

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      dispatcher: true,
      providers: ['openai', 'anthropic'],
      env: {
        SWITCHYARD_LOCK_DURATION_MS: '3000',
        // Calls outlast a frozen process, so a thawed worker finishes its own call (see below).
        TEST_PROVIDER_TIMEOUT_MS: '20000',
        TEST_FIRST_TOKEN_TIMEOUT_MS: '20000',
        TEST_STREAM_IDLE_TIMEOUT_MS: '20000',
      },
    });
    receiver = new WebhookTestReceiver(stack.webhookSecret);
    await receiver.listen();
    jobs = new JobStore(stack.redis.redis, stack.redis.prefix, 86400);
  });

  afterEach(async () => {
    if (!stack) return;
    stack.sim.clearFaults();
    stack.sim.resetStats();
    await resetCircuits(stack);
  });

  afterAll(async () => {
    await Promise.all([...queues.values()].map((q) => q.close()));
    await stack?.stop();
    await receiver?.close();
  });

  describe('SIGKILL mid-step, then a restart (stalled-job recovery)', () => {
    /**
     * SIGSTOP the router the moment it holds unfinished decisions, then SIGKILL it; returns their job
     * ids. Gives up (returning none, router untouched) once `stillComing()` says no more will arrive.
     */
    async function killRouterMidDecision(stillComing: () => boolean): Promise<string[]> {
      const router = stack.process('router');
      for (let tries = 0; tries < 1000; tries++) {
        const active = await until(
          () => queue(ROUTER_QUEUE).getActiveCount(),
          (n) => n > 0 || !stillComing(),
          'router decisions',
          30_000,
          1,
        );
        if (active === 0) return [];
        process.kill(router.pid as number, 'SIGSTOP');
        const cut = await queue(ROUTER_QUEUE).getActive();
        if (cut.length > 0) {
          await router.stop('SIGKILL');
          return cut.map((j) => j.data.job_id as string);
        }
        process.kill(router.pid as number, 'SIGCONT'); // it finished them just before the freeze
      }
      throw new Error('never caught the router in the middle of a decision');
    }

    it('a worker killed during the provider call: the attempt is taken up again after the restart and the job ends exactly once', async () => {
      // Long enough that the kill certainly lands while the call is in flight.
      stack.sim.addFault({ provider: 'openai', latency_ms: 2500 });
      const submitted = await stack.submit(
        reasoning('worker crash', { webhook_url: receiver.url('/worker-crash') }),
      );
      expect(submitted.status).toBe(202);
      const id = submitted.body.id as string;

      await until(
        () => simCalls(stack, 'openai'),
        (n) => n === 1,
        'the call to reach openai',
      );
      await stack.process('worker-openai').stop('SIGKILL');
      const cut = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      expect(cut.status).toBe('running');
      expect(cut.attempts).toEqual([
        expect.objectContaining({ hop: 0, provider: 'openai', status: 'running' }),
      ]);

      await stack.restart('worker-openai');
      const job = await stack.waitForJob(id, 60_000);

      // Taken up again on the same hop (not handed to a fallback, not failed by the deadline).
      expect(job.status).toBe('succeeded');
      expect(job.result).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
      expect(simCalls(stack, 'openai')).toBe(2); // the call cut by the kill, and the re-run
      expect(simCalls(stack, 'anthropic')).toBe(0);
      expect(job.attempts).toEqual([
        expect.objectContaining({ hop: 0, try: 0, provider: 'openai', status: 'succeeded' }),
      ]);
      // One finalization, one billed result.
      expect((await rawJob(stack, id)).finalized_by).toBe('h0');
      expect(job.cost_usd).toBeCloseTo(job.result.cost_usd, 12);

      const events = await settledEvents('/worker-crash');
      expect(events).toEqual([expect.objectContaining({ type: 'job.succeeded', jobId: id })]);
      expect(events[0].data.result.provider).toBe('openai');
    });

    it('the router killed again and again while it is deciding: every job ends, none twice', async () => {
      // Every prompt is too long for openai: each job fails there once (no retry, no breaker
      // failure) and needs exactly one router decision to move on to anthropic.
      stack.sim.addFault({ provider: 'openai', context_window: 1 });
      const total = 150;
      const path = '/router-crash';
      const ids: string[] = [];
      let submitting = true;
      const submissions = pool(
        Array.from({ length: total }, (_, i) => i),
        8,
        async (i) => {
          const res = await stack.submit(
            reasoning(`router crash ${i}`, { webhook_url: receiver.url(path) }),
          );
          expect(res.status).toBe(202);
          ids.push(res.body.id as string);
        },
      ).finally(() => {
        submitting = false;
      });

      // Freeze the router while it holds decisions it has taken but not finished (BullMQ active),
      // then kill it: those decisions are cut in the middle. Up to four rounds while jobs arrive.
      const cutDecisions = new Set<string>();
      for (let round = 0; round < 4 && submitting; round++) {
        const cut = await killRouterMidDecision(() => submitting);
        if (cut.length === 0) break;
        for (const id of cut) cutDecisions.add(id);
        await sleep(300);
        await stack.restart('router');
      }
      await submissions;
      expect(ids).toHaveLength(total);
      // The kills really landed in the middle of decisions.
      expect(cutDecisions.size).toBeGreaterThan(0);

      const jobs = await waitForAll(stack, ids, 90_000);
      for (const job of jobs) {
        expect(job).toMatchObject({ status: 'succeeded', result: { provider: 'anthropic' } });
        expect(job.attempts).toEqual([
          expect.objectContaining({
            hop: 0,
            provider: 'openai',
            status: 'failed',
            error: expect.objectContaining({ type: 'context_length_exceeded' }),
          }),
          expect.objectContaining({ hop: 1, provider: 'anthropic', status: 'succeeded' }),
        ]);
        expect(job.cost_usd).toBeCloseTo(job.result.cost_usd, 12);
      }
      const finalizers = await Promise.all(
        ids.map(async (id) => (await rawJob(stack, id)).finalized_by),
      );
      expect(new Set(finalizers)).toEqual(new Set(['h1']));
      // Replayed decisions added no hop: one call per job on each provider.
      expect(simCalls(stack, 'openai')).toBe(total);
      expect(simCalls(stack, 'anthropic')).toBe(total);

      const events = await settledEvents(path, total, 60_000);
      expect(events).toHaveLength(total);
      expect(new Set(events.map((e) => e.jobId))).toEqual(new Set(ids));
      expect(events.every((e) => e.type === 'job.succeeded')).toBe(true);
    });
  });

  describe('repeated steps yield one end, one completion, one bill', () => {
    it('a finished job whose hop and hand-off are enqueued again: no new call, no second webhook, no new cost', async () => {
      const path = '/replayed-steps';
      const submitted = await stack.submit(
        reasoning('replay', { webhook_url: receiver.url(path) }),
      );
      const id = submitted.body.id as string;
      const done = await stack.waitForJob(id);
      expect(done.status).toBe('succeeded');
      await settledEvents(path);

      const hop: AttemptJobData = {
        job_id: id,
        hop: 0,
        candidate: 0,
        provider: 'openai',
        model: 'gpt-4o-mini',
      };
      const openai = queue(providerQueueName('openai'));
      // The deterministic id: BullMQ keeps the finished hop, so adding it again adds nothing.
      const countsBefore = await openai.getJobCounts('wait', 'active', 'delayed', 'completed');
      const same = await openai.add('attempt', hop, { jobId: attemptJobId(id, 0) });
      expect(same.id).toBe(attemptJobId(id, 0));
      expect(await openai.getJobCounts('wait', 'active', 'delayed', 'completed')).toEqual(
        countsBefore,
      );
      // A copy under another id (what a non-deterministic enqueue would produce) stands down, and so
      // does a hand-off of the finished hop to the router.
      const copy = await openai.add('attempt', hop, { jobId: `${attemptJobId(id, 0)}.copy` });
      const replayHandoff = (jobId: string, more: Partial<RouterJobData> = {}) =>
        queue(ROUTER_QUEUE).add(
          'route',
          {
            job_id: id,
            hop: 0,
            candidate: 0,
            error: { type: 'server_error', message: 'replayed' },
            ...more,
          } satisfies RouterJobData,
          { jobId },
        );
      const handoff = await replayHandoff(routerJobId(id, 0));
      // A hand-off that carries the job as it was while it ran (what a worker sends): the router
      // decides on that snapshot without reading the job, and still moves nothing on.
      const record = await jobs.get(id);
      if (!record) throw new Error('no record');
      const withSnapshot = await replayHandoff(`${routerJobId(id, 0)}.snapshot`, {
        job: fallbackSnapshotOf({ ...record, cost_usd: 0 }),
      });
      expect(
        await until(
          () => outcomeOf(providerQueueName('openai'), copy.id as string),
          Boolean,
          'the copy',
        ),
      ).toBe('stood_down');
      expect(
        await until(() => outcomeOf(ROUTER_QUEUE, handoff.id as string), Boolean, 'the hand-off'),
      ).toBe('already_ended');
      expect(
        await until(
          () => outcomeOf(ROUTER_QUEUE, withSnapshot.id as string),
          Boolean,
          'the hand-off with a snapshot',
        ),
      ).toBe('already_ended');
      // The hop it enqueued on the fallback found the job ended and stood down, without a call.
      const fallbackHop = attemptJobId(id, 1);
      expect(
        await until(
          () => outcomeOf(providerQueueName('anthropic'), fallbackHop),
          Boolean,
          'the fallback hop',
        ),
      ).toBe('stood_down');

      const after = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      expect(after).toMatchObject({
        status: 'succeeded',
        result: done.result,
        cost_usd: done.cost_usd,
        finished_at: done.finished_at,
      });
      expect(after.attempts).toEqual(done.attempts);
      expect(simCalls(stack, 'openai')).toBe(1);
      expect(simCalls(stack, 'anthropic')).toBe(0);
      const events = await settledEvents(path);
      expect(events).toEqual([expect.objectContaining({ type: 'job.succeeded', jobId: id })]);
    });

    it('the finalizer run again, by the same step or a rival one: the job keeps its one end and its one webhook message', async () => {
      const path = '/finalized-twice';
      const submitted = await stack.submit(reasoning('twice', { webhook_url: receiver.url(path) }));
      const id = submitted.body.id as string;
      await stack.waitForJob(id);
      const [first] = await settledEvents(path);

      const finalizer = new JobFinalizer(
        jobs,
        new JobCompletionChannel(stack.redis.redis, stack.redis.redis, stack.redis.prefix),
        new WebhookPublisher(
          queue(WEBHOOK_QUEUE),
          new WebhookDeliveryStore(stack.redis.redis, stack.redis.prefix),
        ),
        new SwitchyardMetrics(),
      );
      const job = await jobs.get(id);
      if (!job?.result) throw new Error('no result');
      // The worker's own step again (a re-run after a crash): it may redo the follow-ups, which
      // must not produce a second message.
      expect(await finalizer.succeed(job, job.result, 'h0')).toBe('already_finalized_by_me');
      expect(await finalizer.succeed(job, job.result, 'h0')).toBe('already_finalized_by_me');
      // Rivals that lost the race: nothing happens.
      expect(await finalizer.fail(job, { type: 'server_error', message: 'late' }, 'route-h0')).toBe(
        'already_terminal',
      );
      expect(
        await finalizer.fail(
          job,
          { type: 'deadline_exceeded', message: 'late' },
          'deadline-sweeper',
        ),
      ).toBe('already_terminal');
      expect(await finalizer.cancel(job)).toBe('already_terminal');

      const view = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      expect(view.status).toBe('succeeded');
      expect(view.error).toBeUndefined();
      expect(view.cost_usd).toBeCloseTo(view.result.cost_usd, 12);
      const events = await settledEvents(path);
      expect(events).toHaveLength(1);
      expect(events[0].webhookId).toBe(first.webhookId);
    });

    it('a worker that died after ending the job but before announcing it: the re-run announces it, once', async () => {
      const path = '/worker-died-after-end';
      stack.sim.addFault({ provider: 'openai', latency_ms: 2500 });
      const submitted = await stack.submit(
        reasoning('announce', { webhook_url: receiver.url(path) }),
      );
      const id = submitted.body.id as string;
      await until(
        () => simCalls(stack, 'openai'),
        (n) => n === 1,
        'the call to reach openai',
      );
      await stack.process('worker-openai').stop('SIGKILL');

      // What the worker had done when it died: the terminal transition (one Lua script), and none of
      // the follow-ups (the completion webhook). Its attempt is still active in BullMQ.
      const job = await jobs.get(id);
      if (!job) throw new Error('no job');
      const result: JobResult = {
        text: 'echo: announce',
        provider: 'openai',
        model: 'gpt-4o-mini',
        model_revision: 'gpt-4o-mini-2024-07-18',
        finish_reason: 'stop',
        usage: { input_tokens: 3, output_tokens: 4 },
        cost_usd: 0.000003,
        latency_ms: 2500,
      };
      expect(await jobs.succeed(id, result, 'h0')).toBe('finalized');
      expect(receiver.requestsTo(path)).toHaveLength(0);

      await stack.restart('worker-openai');
      const events = await settledEvents(path);
      expect(events).toEqual([expect.objectContaining({ type: 'job.succeeded', jobId: id })]);
      expect(events[0].data.result).toEqual(result);
      // The re-run only finished the announcement: no second call, no other end.
      const view = await stack.waitForJob(id);
      expect(view).toMatchObject({ status: 'succeeded', result });
      expect(simCalls(stack, 'openai')).toBe(1);
      expect((await rawJob(stack, id)).finalized_by).toBe('h0');
    });

    it('the router that died after failing the job but before announcing it: the replayed decision announces it, once', async () => {
      const path = '/router-died-after-end';
      // The worker handed the hop to the (dead) router.
      const { id, routed } = await handedOffWhileRouterDown(path, 400, 'refused');
      expect(routed?.data.error.type).toBe('bad_request');

      // What the router had done when it died: it failed the job, and announced nothing.
      const error = { type: 'bad_request', message: routed?.data.error.message as string };
      expect(await jobs.fail(id, error, 'route-h0')).toBe('finalized');
      await sleep(500);
      expect(receiver.requestsTo(path)).toHaveLength(0);

      await stack.restart('router');
      const events = await settledEvents(path);
      expect(events).toEqual([expect.objectContaining({ type: 'job.failed', jobId: id })]);
      expect(events[0].data.error).toEqual(error);
      const view = await stack.waitForJob(id);
      expect(view).toMatchObject({ status: 'failed', error });
      expect(view.attempts).toHaveLength(1);
      expect(simCalls(stack, 'anthropic')).toBe(0);
    });

    it('a job cancelled while its hand-off waits for the router: the decision on the snapshot moves nothing on', async () => {
      const path = '/cancelled-before-decision';
      // The worker handed the hop over, with the job as it knew it: running.
      const { id, routed } = await handedOffWhileRouterDown(path, 500, 'cancel-before-route');
      expect(routed?.data.job).toMatchObject({ id, task: 'reasoning' });
      expect((await stack.request('DELETE', `/v1/jobs/${id}`)).status).toBe(200);

      await stack.restart('router');
      expect(
        await until(() => outcomeOf(ROUTER_QUEUE, routerJobId(id, 0)), Boolean, 'the decision'),
      ).toBe('already_ended');
      const view = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      expect(view.status).toBe('cancelled');
      // Only the primary's tries (the task retries once on the same provider), no fallback hop.
      expect(
        view.attempts.map((a: { provider: string; hop: number }) => [a.provider, a.hop]),
      ).toEqual([
        ['openai', 0],
        ['openai', 0],
      ]);
      // The hop the decision enqueued beside the advance found the job ended and stood down.
      expect(
        await until(
          () => outcomeOf(providerQueueName('anthropic'), attemptJobId(id, 1)),
          Boolean,
          'the fallback hop',
        ),
      ).toBe('stood_down');
      expect(simCalls(stack, 'anthropic')).toBe(0);
      // A cancelled job sends no webhook, and announcing its end again sent none either.
      await sleep(500);
      expect(receiver.requestsTo(path)).toHaveLength(0);
    });

    it('a frozen worker whose attempt another worker took over: one result, billed once, one webhook', async () => {
      const path = '/frozen-worker';
      // A second openai worker process; the first is frozen (SIGSTOP) mid-call, its lock lapses and
      // the second one's stalled-job check runs the attempt again. Then the first one wakes up and
      // finishes its own call too. The provider timeout outlasts the freeze so it finishes with a
      // success, the case that could bill the job twice.
      stack.sim.addFault({ provider: 'openai', latency_ms: 1000 });
      const first = stack.process('worker-openai');
      const submitted = await stack.submit(
        reasoning('frozen', { webhook_url: receiver.url(path) }),
      );
      const id = submitted.body.id as string;
      await until(
        () => simCalls(stack, 'openai'),
        (n) => n === 1,
        'the call to reach openai',
      );
      const frozenAt = Date.now();
      process.kill(first.pid as number, 'SIGSTOP');
      let frozenMs: number;
      try {
        await stack.spawn('worker-openai-2', 'apps/worker/src/main.js', ['--provider', 'openai']);
        await until(
          () => simCalls(stack, 'openai'),
          (n) => n === 2,
          'the second worker to re-run it',
        );
        const taken = await stack.waitForJob(id);
        expect(taken.status).toBe('succeeded');
        expect(taken.cost_usd).toBeCloseTo(taken.result.cost_usd, 12);
      } finally {
        process.kill(first.pid as number, 'SIGCONT');
        frozenMs = Date.now() - frozenAt;
      }
      // The first worker's own call started before the freeze, so once its success is recorded the
      // attempt shows a latency of at least the freeze (the second worker's took about 1 s).
      const job = await until(
        async () => (await stack.request('GET', `/v1/jobs/${id}`)).body,
        (j) => j.attempts?.[0]?.latency_ms >= frozenMs,
        'the frozen worker to finish its own call',
      );
      expect(first.running).toBe(true);
      expect(job).toMatchObject({ status: 'succeeded', result: { provider: 'openai' } });
      expect(job.cost_usd).toBeCloseTo(job.result.cost_usd, 12);
      expect(job.attempts).toEqual([
        expect.objectContaining({ hop: 0, provider: 'openai', status: 'succeeded' }),
      ]);
      expect((await rawJob(stack, id)).finalized_by).toBe('h0');
      const events = await settledEvents(path);
      expect(events).toEqual([expect.objectContaining({ type: 'job.succeeded', jobId: id })]);
      await stack.process('worker-openai-2').stop();
    });
  });
});
