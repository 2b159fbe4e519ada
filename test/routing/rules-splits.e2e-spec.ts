import { resolve } from 'node:path';
import { SwitchyardStack } from '@switchyard/testing';

const ROUTES = resolve(__dirname, '../fixtures/routes.rules.e2e.yaml');
// Over the `long` rule's 2000 estimated input tokens (characters / 4).
const longPrompt = [{ role: 'user', content: `summarize: ${'lorem ipsum '.repeat(900)}` }];
const shortPrompt = [{ role: 'user', content: 'hello there' }];

async function callsOf(stack: SwitchyardStack, jobId: string, n = 1): Promise<any[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const calls = (await stack.request('GET', `/v1/calls?job_id=${jobId}`)).body.calls as any[];
    if (calls.length >= n || Date.now() > deadline) return calls;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('routing-table rules through the API (ingress, router, workers, ledger)', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      routes: ROUTES,
      providers: ['openai', 'anthropic', 'google'],
      ledger: true,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  afterEach(() => stack.sim.clearFaults());

  it('a long prompt takes the rule chain: the 202, the job view and the ledger row name the rule', async () => {
    const submitted = await stack.submit({ task: 'support', messages: longPrompt });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({
      rule: 'long',
      split: null,
      plan: [
        { provider: 'anthropic', model: 'claude-sonnet-4-5' },
        { provider: 'google', model: 'gemini-2.5-pro' },
      ],
    });
    const job = await stack.waitForJob(submitted.body.id);
    expect(job).toMatchObject({ status: 'succeeded', rule: 'long', split: null });
    expect(job.result).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    const [call] = await callsOf(stack, job.id);
    expect(call).toMatchObject({ provider: 'anthropic', rule: 'long', split: null });
  });

  it('a short prompt matches no rule and keeps the task chain', async () => {
    const submitted = await stack.submit({ task: 'support', messages: shortPrompt });
    expect(submitted.body.rule).toBeNull();
    const job = await stack.waitForJob(submitted.body.id);
    expect(job).toMatchObject({ rule: null, result: { provider: 'openai', model: 'gpt-4o-mini' } });
    const [call] = await callsOf(stack, job.id);
    expect(call.rule).toBeNull();
  });

  it("a rule's chain holds on fallback: a failing rule primary falls back to the rule's fallback", async () => {
    stack.sim.addFault({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      error_rate: 1,
      status: 500,
    });
    const submitted = await stack.submit({ task: 'support', messages: longPrompt });
    const job = await stack.waitForJob(submitted.body.id);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ provider: 'google', model: 'gemini-2.5-pro' });
    expect(job.attempts.map((a: any) => `${a.provider}/${a.model}:${a.status}`)).toEqual([
      'anthropic/claude-sonnet-4-5:failed',
      'google/gemini-2.5-pro:succeeded',
    ]);
    // Neither of the task's own fallbacks was called for it.
    const calls = await callsOf(stack, job.id, 2);
    expect(calls.map((c) => c.rule)).toEqual(['long', 'long']);
  });

  it('a metadata tier rule: enterprise jobs go to its primary and may ask for its raised budget', async () => {
    const enterprise = await stack.submit({
      task: 'support',
      messages: shortPrompt,
      metadata: { tier: 'enterprise' },
      budget: { max_cost_usd: 0.3 },
    });
    expect(enterprise.status).toBe(202);
    expect(enterprise.body.rule).toBe('vip');
    const job = await stack.waitForJob(enterprise.body.id);
    expect(job).toMatchObject({
      rule: 'vip',
      result: { provider: 'google', model: 'gemini-2.5-flash' },
    });

    // The task's own ceiling is $0.01: without the tier, the same budget is a loosening.
    const free = await stack.submit({
      task: 'support',
      messages: shortPrompt,
      metadata: { tier: 'free' },
      budget: { max_cost_usd: 0.3 },
    });
    expect(free.status).toBe(400);
    expect(free.body.error.details).toEqual([
      {
        field: 'budget.max_cost_usd',
        problem: "may only tighten the task's budget (task allows 0.01)",
      },
    ]);
  });

  it('POST /v1/routes/:task/plan names the rule a job would match', async () => {
    const long = await stack.request('POST', '/v1/routes/support/plan', { messages: longPrompt });
    expect(long.status).toBe(200);
    expect(long.body).toMatchObject({ rule: 'long', split: null });
    expect(long.body.candidates.map((c: any) => c.id)).toEqual([
      'anthropic/claude-sonnet-4-5',
      'google/gemini-2.5-pro',
    ]);
    const vip = await stack.request('POST', '/v1/routes/support/plan', {
      messages: shortPrompt,
      metadata: { tier: 'enterprise' },
    });
    expect(vip.body.rule).toBe('vip');
    const none = await stack.request('POST', '/v1/routes/support/plan', { messages: shortPrompt });
    expect(none.body.rule).toBeNull();
  });

  it('a 90/10 split over 500 jobs: each job keeps its drawn arm, visible in job views and /v1/stats?group_by=split', async () => {
    const submitted: any[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stack.submit({
            task: 'canary',
            messages: [{ role: 'user', content: `canary ${batch}-${i}` }],
          }),
        ),
      );
      for (const r of responses) {
        expect(r.status).toBe(202);
        submitted.push(r.body);
      }
    }
    const arm = { 'gpt-4o-mini@90': 'gpt-4o-mini', 'gemini-2.5-flash@10': 'gemini-2.5-flash' };
    for (const body of submitted) {
      expect(Object.keys(arm)).toContain(body.split);
      // The drawn arm is the first candidate; the fallback keeps its place after it.
      expect(body.plan.map((c: any) => c.model)).toEqual([
        arm[body.split as keyof typeof arm],
        'claude-haiku-4-5',
      ]);
    }
    const canaries = submitted.filter((b) => b.split === 'gemini-2.5-flash@10').length;
    // 10 % of 500 is 50; the draw's standard deviation is about 6.7 jobs.
    expect(canaries).toBeGreaterThanOrEqual(25);
    expect(canaries).toBeLessThanOrEqual(75);

    const views = await Promise.all(submitted.map((b) => stack.waitForJob(b.id, 60_000)));
    for (const [i, job] of views.entries()) {
      expect(job.status).toBe('succeeded');
      expect(job.split).toBe(submitted[i].split);
      expect(job.result.model).toBe(arm[job.split as keyof typeof arm]);
    }

    // Ledger rows are drained in batches: wait until all 500 are counted.
    const deadline = Date.now() + 20_000;
    let groups: any[] = [];
    for (;;) {
      const stats = await stack.request('GET', '/v1/stats?task=canary&group_by=split');
      expect(stats.status).toBe(200);
      groups = stats.body.groups;
      const total = groups.reduce((n: number, g: any) => n + g.calls, 0);
      if (total >= 500 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(groups.map((g) => [g.group, g.calls])).toEqual([
      ['gpt-4o-mini@90', 500 - canaries],
      ['gemini-2.5-flash@10', canaries],
    ]);
    expect(groups.every((g) => g.success_rate === 1)).toBe(true);
  });

  it('a replayed submission keeps its split: the draw follows the job id', async () => {
    const key = `split-${Date.now()}`;
    const body = { task: 'canary', messages: [{ role: 'user', content: 'same job' }] };
    const first = await stack.submit(body, { 'idempotency-key': key });
    const again = await stack.submit(body, { 'idempotency-key': key });
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.split).toBe(first.body.split);
  });
});
