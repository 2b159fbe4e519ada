import { resolve } from 'node:path';
import { REPO_ROOT, SwitchyardStack } from '@switchyard/testing';

// Prices (catalog): claude-haiku-4-5 $1 / $5 per M tokens, gpt-4o-mini $0.15 / $0.60. Each task's
// max_tokens is 128, so a job's worst-case estimate is ~$0.00074 on haiku and ~$0.00009 on
// gpt-4o-mini, while the simulator's echo bills only what it answers.
const ROUTES = resolve(REPO_ROOT, 'test/fixtures/routes.budgets.e2e.yaml');
const BUDGETED_DAILY_USD = 0.002;
const BURST_DAILY_USD = 0.002;
// 100 input tokens, echoed back as ~102 output tokens: haiku really costs ~$0.00061 per job.
const longJob = { task: 'budgeted', messages: [{ role: 'user', content: 'x'.repeat(400) }] };
// 10 input tokens, ~12 output tokens: ~$0.00007 on haiku, a tenth of its worst-case estimate.
const shortJob = (i: number) => ({
  task: 'burst',
  messages: [{ role: 'user', content: `burst job number ${String(i).padStart(4, '0')}!!!` }],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("daily budget as a candidate gate (what today's remaining budget cannot pay is skipped, not failed)", () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['anthropic', 'openai'],
      routes: ROUTES,
      ledger: true,
      env: {
        TEST_BUDGETED_DAILY_USD: String(BUDGETED_DAILY_USD),
        TEST_BURST_DAILY_USD: String(BURST_DAILY_USD),
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('serves jobs on the cheaper fallback once the primary no longer fits the day, and 429s only when no candidate fits', async () => {
    const jobs: any[] = [];
    let refusal: { status: number; body: any; headers: Headers } | undefined;
    for (let i = 0; i < 40 && !refusal; i++) {
      const res = await stack.submit(longJob, { prefer: 'wait=30' });
      if (res.status === 429) refusal = res;
      else jobs.push(res.status === 200 ? res.body : await stack.waitForJob(res.body.id));
    }
    // Every accepted job was served: none was accepted only to fail on the budget.
    expect(jobs.map((j) => j.status)).toEqual(jobs.map(() => 'succeeded'));
    const servedBy = jobs.map((j) => j.result.provider);
    expect(servedBy[0]).toBe('anthropic');
    expect(servedBy).toContain('openai');
    // Once haiku no longer fits, the later jobs go straight to the fallback.
    expect(servedBy.slice(servedBy.indexOf('openai'))).not.toContain('anthropic');

    expect(refusal).toBeDefined();
    expect(refusal!.body.error).toMatchObject({ type: 'budget_exhausted', task: 'budgeted' });
    expect(refusal!.body.error.resets_at).toMatch(/T00:00:00.000Z$/);
    expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Refused only when what is left cannot pay even gpt-4o-mini's estimate.
    const plan = await stack.request('POST', '/v1/routes/budgeted/plan', longJob);
    const [today] = (await stack.request('GET', '/v1/spend?task=budgeted')).body.spend;
    expect(today.reserved_usd).toBe(0);
    const fallback = plan.body.skipped.find((s: any) => s.id === 'openai/gpt-4o-mini');
    expect(fallback).toMatchObject({ reason: 'budget_exhausted' });
    expect(today.spent_usd).toBeLessThanOrEqual(BUDGETED_DAILY_USD);
    expect(BUDGETED_DAILY_USD - today.spent_usd).toBeLessThan(0.0001);
  });

  it('60 concurrent jobs: never overshoot the day, never fail or refuse until midnight for reservations held by calls in flight', async () => {
    // Calls take a while, so worst-case reservations pile up far beyond what the calls cost.
    stack.sim.addFault({ provider: 'anthropic', latency_ms: 300 });
    const refusals: number[] = [];
    const finished = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        for (let tries = 0; tries < 200; tries++) {
          const res = await stack.submit(shortJob(i));
          if (res.status === 202) return stack.waitForJob(res.body.id, 90_000);
          expect(res.status).toBe(429);
          expect(res.body.error.type).toBe('budget_exhausted');
          const retryAfter = Number(res.headers.get('retry-after'));
          refusals.push(retryAfter);
          if (retryAfter > 10) return { status: 'refused_until_midnight', retryAfter };
          await sleep(retryAfter * 1000 * (0.5 + Math.random()));
        }
        return { status: 'gave_up' };
      }),
    );
    stack.sim.clearFaults();
    const [today] = (await stack.request('GET', '/v1/spend?task=burst')).body.spend;
    // What the 60 jobs really cost fits the day many times over: every one is served.
    expect(finished.map((j) => j.status)).toEqual(finished.map(() => 'succeeded'));
    expect(refusals.every((s) => s <= 10)).toBe(true);
    expect(today.reserved_usd).toBe(0);
    expect(today.spent_usd).toBeLessThanOrEqual(BURST_DAILY_USD);
    const billed = finished.reduce((sum, j) => sum + j.cost_usd, 0);
    // The day is kept in integer micro-USD: each settle rounds by at most half a micro-dollar.
    expect(Math.abs(today.spent_usd - billed)).toBeLessThanOrEqual(60 * 0.5e-6 + 1e-9);
  }, 180_000);

  it('bills cached prompt tokens at the catalog cached prices, through the SDKs (job cost_usd and usage)', async () => {
    // 400 characters: 100 prompt tokens, echoed back as 102 output tokens.
    const job = { task: 'cached', messages: [{ role: 'user', content: 'c'.repeat(400) }] };
    stack.sim.addFault({
      provider: 'anthropic',
      cached_input_tokens: 60,
      cache_write_input_tokens: 30,
    });
    const onAnthropic = (await stack.submit(job, { prefer: 'wait=30' })).body;
    expect(onAnthropic.result.usage).toMatchObject({
      input_tokens: 100,
      cached_input_tokens: 60,
      cache_write_input_tokens: 30,
    });
    // haiku: 10 plain × $1 + 60 reads × $0.10 + 30 writes × $1.25 + 102 output × $5, per M tokens
    expect(onAnthropic.cost_usd).toBeCloseTo((10 + 6 + 37.5 + 510) / 1e6, 12);

    stack.sim.clearFaults();
    stack.sim.addFault({ provider: 'anthropic', error_rate: 1, status: 529 });
    stack.sim.addFault({ provider: 'openai', cached_input_tokens: 80 });
    const onOpenAi = (await stack.submit(job, { prefer: 'wait=30' })).body;
    stack.sim.clearFaults();
    expect(onOpenAi.result.provider).toBe('openai');
    expect(onOpenAi.result.usage).toMatchObject({ input_tokens: 100, cached_input_tokens: 80 });
    // gpt-4o-mini: 20 plain × $0.15 + 80 cached × $0.075 + 102 output × $0.60, per M tokens
    expect(onOpenAi.cost_usd).toBeCloseTo((3 + 6 + 61.2) / 1e6, 12);
  });

  it('bills a call whose output failed the schema check from its usage: attempt, job cost_usd and daily spend', async () => {
    stack.sim.addFault({ provider: 'anthropic', break_schema: true });
    const res = await stack.submit(
      {
        task: 'billed_json',
        messages: [{ role: 'user', content: 'Invoice 42 from ACME, total 99.50 EUR' }],
        response_format: {
          type: 'json_schema',
          schema: {
            type: 'object',
            required: ['vendor'],
            properties: { vendor: { type: 'string' } },
          },
        },
      },
      { prefer: 'wait=30' },
    );
    stack.sim.clearFaults();
    const job = res.status === 200 ? res.body : await stack.waitForJob(res.body.id);
    expect(job.status).toBe('succeeded');
    expect(job.result.provider).toBe('openai');
    const [invalid, served] = job.attempts;
    expect(invalid).toMatchObject({ provider: 'anthropic', status: 'failed' });
    expect(invalid.error.type).toBe('invalid_output');
    expect(invalid.cost_usd).toBeGreaterThan(0);
    expect(job.cost_usd).toBeCloseTo(invalid.cost_usd + served.cost_usd, 12);
    const [today] = (await stack.request('GET', '/v1/spend?task=billed_json')).body.spend;
    expect(today.spent_usd).toBeCloseTo(job.cost_usd, 5);
    expect(today.spent_usd).toBeGreaterThan(served.cost_usd);
  });

  it('bills an answer that came without usage from estimated tokens, marked as estimated: attempt, job cost_usd, daily spend and ledger', async () => {
    // 400 characters: an estimated 100 prompt tokens; the echo answer is estimated the same way.
    const job = { task: 'no_usage', messages: [{ role: 'user', content: 'u'.repeat(400) }] };
    stack.sim.addFault({ provider: 'openai', omit_usage: true });
    const res = await stack.submit(job, { prefer: 'wait=30' });
    stack.sim.clearFaults();
    const served = res.status === 200 ? res.body : await stack.waitForJob(res.body.id);
    expect(served.status).toBe('succeeded');
    expect(served.result.provider).toBe('openai');
    const outputTokens = Math.ceil(served.result.text.length / 4);
    expect(served.result.usage).toMatchObject({ input_tokens: 100, output_tokens: outputTokens });
    // gpt-4o-mini: 100 input × $0.15 + the estimated output × $0.60, per M tokens
    const expected = (100 * 0.15 + outputTokens * 0.6) / 1e6;
    expect(served.cost_usd).toBeCloseTo(expected, 12);
    expect(served.attempts[0]).toMatchObject({ status: 'succeeded', usage_estimated: true });
    expect(served.attempts[0].cost_usd).toBeCloseTo(expected, 12);
    const [today] = (await stack.request('GET', '/v1/spend?task=no_usage')).body.spend;
    expect(today.spent_usd).toBeCloseTo(expected, 5);
    let rows: any[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      rows = (await stack.request('GET', `/v1/calls?job_id=${served.id}`)).body.calls;
      if (rows.length === 0) await sleep(200);
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ usage_estimated: true, input_tokens: 100 });
    expect(rows[0].cost_usd).toBeCloseTo(expected, 12);
  });
});
