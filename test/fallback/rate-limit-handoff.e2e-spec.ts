import { pausesChangedChannel } from '@switchyard/redis';
import { SwitchyardStack, waitFor } from '@switchyard/testing';
import { reasoning, resetCircuits, simCalls } from '../resilience/resilience-support';

/**
 * Issue 13, item 6: a 429 asking to wait longer than a job can wait must not fail the job, and the
 * pause it asks for holds back the provider's queue whether or not the provider has a
 * `rate_limit.requests_per_minute` (the e2e table sets none).
 */
describe('a rate-limited provider hands its jobs to the fallbacks', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({ providers: ['openai', 'anthropic', 'google'] });
  });

  afterEach(async () => {
    if (!stack) return;
    stack.sim.clearFaults();
    stack.sim.resetStats();
    await resetCircuits(stack);
    // Lift the pauses (Switchyard's record and BullMQ's queue limiter) for the next case.
    await stack.redis.redis.del(
      `${stack.redis.prefix}:paused:openai`,
      `${stack.redis.queuePrefix}:provider-openai:limiter`,
    );
    // The ingress shares its read of the pauses until a change is announced; a pause lifted
    // behind its back is announced here, and the next case starts once the planner has heard it.
    await stack.redis.redis.publish(pausesChangedChannel(stack.redis.prefix), 'lifted');
    await waitFor(
      async () =>
        (await stack.request('POST', '/v1/routes/reasoning/plan', reasoning('probe'))).body
          .skipped as unknown[],
      (skipped) => skipped.length === 0,
      'the planner to see the lifted pause',
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("a 429's pause holds back the provider's queue even without requests_per_minute", async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 429, retry_after_ms: 3000 });
    const submitted = await stack.submit(reasoning('pause then retry'));
    const job = await stack.waitForJob(submitted.body.id, 60_000);

    expect(job.status).toBe('succeeded');
    const openaiTries = job.attempts.filter((a: { provider: string }) => a.provider === 'openai');
    expect(openaiTries).toHaveLength(2);
    // The retry (backoff 20 ms) waited for the 3 s the provider asked for.
    const gapMs = Date.parse(openaiTries[1].started_at) - Date.parse(openaiTries[0].started_at);
    expect(gapMs).toBeGreaterThanOrEqual(2500);
  });

  it('a 429 asking to wait longer than the job can wait hands it to the fallback at once, and new jobs skip the paused provider', async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 429, retry_after_ms: 60_000 });
    const first = await stack.submit(reasoning('rate limited for a minute'));
    const job = await stack.waitForJob(first.body.id);

    expect(job.status).toBe('succeeded');
    expect(job.result.provider).toBe('anthropic');
    // One try on openai: a retry would only wait out the minute past the 30 s deadline.
    expect(job.attempts).toEqual([
      expect.objectContaining({
        provider: 'openai',
        status: 'failed',
        error: expect.objectContaining({ type: 'rate_limited' }),
      }),
      expect.objectContaining({ provider: 'anthropic', status: 'succeeded' }),
    ]);
    expect(simCalls(stack, 'openai')).toBe(1);

    // The provider is paused for a minute: shown, and skipped by the next job's plan.
    const providers = await stack.request('GET', '/v1/providers');
    const openai = providers.body.providers.find((p: { name: string }) => p.name === 'openai');
    expect(Date.parse(openai.rate_limited_until)).toBeGreaterThan(Date.now() + 30_000);
    const anthropic = providers.body.providers.find(
      (p: { name: string }) => p.name === 'anthropic',
    );
    expect(anthropic.rate_limited_until).toBeNull();

    stack.sim.clearFaults();
    const explained = await stack.request('POST', '/v1/routes/reasoning/plan', reasoning('next'));
    expect(explained.body.skipped).toEqual([
      expect.objectContaining({ id: 'openai/gpt-4o-mini', reason: 'rate_limited' }),
    ]);
    const second = await stack.submit(reasoning('next job'));
    expect(second.status).toBe(202);
    expect(second.body.plan[0]).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    const next = await stack.waitForJob(second.body.id);
    expect(next.status).toBe('succeeded');
    expect(next.result.provider).toBe('anthropic');
    expect(simCalls(stack, 'openai')).toBe(1);
  });

  it("hands a hop already waiting in the provider's queue to the fallback when the limiter would start it past the deadline", async () => {
    // A 429's pause on BullMQ's limiter only, after planning: the planner still picks openai, and
    // the hop waits in a queue that starts nothing for a minute, longer than the 30 s deadline.
    await stack.redis.redis.set(
      `${stack.redis.queuePrefix}:provider-openai:limiter`,
      String(Number.MAX_SAFE_INTEGER),
      'PX',
      60_000,
    );
    const submittedAt = Date.now();
    const submitted = await stack.submit(reasoning('waiting behind a pause'));
    expect(submitted.body.plan[0]).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    const job = await stack.waitForJob(submitted.body.id, 45_000);

    expect(job.status).toBe('succeeded');
    expect(job.result.provider).toBe('anthropic');
    // Handed on within seconds, not after waiting out the deadline; openai was never called.
    expect(Date.now() - submittedAt).toBeLessThan(15_000);
    expect(job.attempts).toEqual([expect.objectContaining({ provider: 'anthropic' })]);
    expect(simCalls(stack, 'openai')).toBe(0);
  });
});
