import { resolve } from 'node:path';
import { REPO_ROOT, SwitchyardStack } from '@switchyard/testing';
import { simCalls } from '../resilience/resilience-support';

// Prices (catalog): claude-haiku-4-5 $1 / $5 per M tokens, max_tokens 128: a worst-case estimate
// of ~$0.00074, while a short job really costs ~$0.00007. A day of $0.001 holds one estimate.
const ROUTES = resolve(REPO_ROOT, 'test/fixtures/routes.budgets.e2e.yaml');
const shortJob = (text: string) => ({
  task: 'budgeted',
  messages: [{ role: 'user', content: text }],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 13's leftover: a cancel that landed after the worker had read the job but before it
 * watched the job-done channel (while it waited for the day's budget, say) was missed, and the
 * call ran anyway for a job nobody wanted any more.
 */
describe('a cancel that lands while the worker waits for the daily budget', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['anthropic', 'openai'],
      routes: ROUTES,
      env: { TEST_BUDGETED_DAILY_USD: '0.001' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('stands the hop down when the reservation clears: the provider is never called for it', async () => {
    // The first job holds the day's budget for the 5 s its call takes.
    stack.sim.addFault({ provider: 'anthropic', latency_ms: 5000 });
    try {
      const holder = (await stack.submit(shortJob('holds the day'))).body.id;
      let held = (await stack.request('GET', `/v1/jobs/${holder}`)).body;
      for (let i = 0; i < 100 && held.attempts?.[0]?.status !== 'running'; i++) {
        await sleep(50);
        held = (await stack.request('GET', `/v1/jobs/${holder}`)).body;
      }
      expect(held.attempts[0]).toMatchObject({ provider: 'anthropic', status: 'running' });

      // Accepted (gpt-4o-mini fits the day), first hop on haiku: its reservation waits for the
      // holder's to settle, with the job running and no attempt started yet.
      const waiting = await stack.submit(shortJob('waits for the day'));
      expect(waiting.status).toBe(202);
      expect(waiting.body.plan[0]).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5' });
      const id = waiting.body.id;
      let job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      for (let i = 0; i < 100 && job.status !== 'running'; i++) {
        await sleep(50);
        job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      }
      await sleep(300);
      job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      expect(job).toMatchObject({ status: 'running', attempts: [] });
      expect((await stack.request('DELETE', `/v1/jobs/${id}`)).status).toBe(200);

      // The holder settles for far less than its estimate: the day could pay the cancelled hop now.
      const done = await stack.waitForJob(holder, 30_000);
      expect(done.status).toBe('succeeded');
      await sleep(2000);
      expect(simCalls(stack, 'anthropic')).toBe(1);
      job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      expect(job.status).toBe('cancelled');
      // The reservation made for the cancelled hop was handed back.
      const [today] = (await stack.request('GET', '/v1/spend?task=budgeted')).body.spend;
      expect(today.reserved_usd).toBe(0);
    } finally {
      stack.sim.clearFaults();
    }
  });
});
