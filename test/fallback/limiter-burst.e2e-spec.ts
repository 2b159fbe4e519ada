import { resolve } from 'node:path';
import { REPO_ROOT, SwitchyardStack } from '@switchyard/testing';
import { reasoning, waitForAll } from '../resilience/resilience-support';

const LIMIT_PER_MINUTE = 5;

/**
 * Issue 13, item 7: a burst above the primary's own requests_per_minute must not leave jobs
 * waiting at its limiter until their deadline: a job the limiter cannot start in time (backlog ÷
 * rate, known at planning) is planned onto the next candidate.
 */
describe("a burst above the primary's rate limit", () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['openai', 'anthropic', 'google'],
      routes: resolve(REPO_ROOT, 'test/fixtures/routes.rate-limited.yaml'),
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('jobs the limiter cannot start before their deadline go to the fallback, and none fails untried', async () => {
    const ids: string[] = [];
    const firstHops: string[] = [];
    // One after the other, as a client's burst reaches the planner: each plan sees the ones before.
    for (let i = 0; i < 3 * LIMIT_PER_MINUTE; i++) {
      const submitted = await stack.submit(reasoning(`burst ${i}`));
      expect(submitted.status).toBe(202);
      ids.push(submitted.body.id);
      firstHops.push(submitted.body.plan[0].provider);
    }
    const jobs = await waitForAll(stack, ids, 60_000);

    expect(jobs.filter((j) => j.status !== 'succeeded')).toEqual([]);
    // The limiter's minute holds five starts on openai; the rest were planned onto anthropic.
    expect(firstHops.filter((p) => p === 'openai')).toHaveLength(LIMIT_PER_MINUTE);
    expect(firstHops.slice(LIMIT_PER_MINUTE).every((p) => p === 'anthropic')).toBe(true);
    expect(jobs.every((j) => j.attempts.length > 0)).toBe(true);

    const plan = await stack.request('POST', '/v1/routes/reasoning/plan', reasoning('one more'));
    expect(plan.body.skipped).toEqual([
      expect.objectContaining({ id: 'openai/gpt-4o-mini', reason: 'rate_limited' }),
    ]);
  });
});
