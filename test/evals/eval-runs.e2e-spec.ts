import { SwitchyardStack, WebhookTestReceiver, waitFor, type JobBody } from '@switchyard/testing';
import { EVAL_KEY, SHIPPED_EVALS_DIR, loadShippedAnswers } from './eval-fixtures';

const asEval = { authorization: `Bearer ${EVAL_KEY}` };
const CANDIDATES = ['openai/gpt-4o-mini', 'google/gemini-2.5-flash', 'anthropic/claude-haiku-4-5'];

describe('evaluation runs through the real stack (POST/GET /v1/evals)', () => {
  let stack: SwitchyardStack;
  let receiver: WebhookTestReceiver;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['openai', 'google', 'anthropic'],
      ledger: true,
      dispatcher: true,
      env: {
        SWITCHYARD_EVAL_KEYS: `acme=${EVAL_KEY}`,
        SWITCHYARD_EVALS_DIR: SHIPPED_EVALS_DIR,
      },
    });
    stack.sim.state.load(await loadShippedAnswers());
    receiver = new WebhookTestReceiver(stack.webhookSecret);
    await receiver.listen();
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  const evalRequest = (body: unknown, headers = asEval) =>
    stack.request('POST', '/v1/evals', body, headers, null);

  it('refuses a run to a key without the eval role, and names bad fields', async () => {
    const plain = await stack.request('POST', '/v1/evals', { task: 'extraction' });
    expect(plain.status).toBe(403);
    expect(plain.body.error.type).toBe('forbidden');

    const unknown = await evalRequest({ task: 'extraction', candidates: ['openai/gpt-9'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([
      {
        field: 'candidates[0]',
        problem: 'openai/gpt-9 is not a model of the routing table in force',
      },
    ]);
    const noDataset = await evalRequest({ task: 'chat' });
    expect(noDataset.status).toBe(422);
    expect(noDataset.body.error.type).toBe('invalid_dataset');
    const bad = await evalRequest({ task: 'extraction', candidates: 'best', examples: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'candidates',
      'examples',
    ]);
  });

  it('scores three candidates on the shipped extraction dataset as the scripted answers make them differ, and reads the stored run back', async () => {
    const started = await evalRequest({
      task: 'extraction',
      candidates: CANDIDATES,
      concurrency: 8,
      webhook_url: receiver.url('/evals'),
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.stringMatching(/^eval_/), status: 'queued' });
    const id = started.body.id as string;

    const run = await waitFor(
      async () => (await stack.request('GET', `/v1/evals/${id}`)).body,
      (r) => r.status === 'succeeded' || r.status === 'failed',
      'the run to finish',
      60_000,
    );
    expect(run).toMatchObject({ id, task: 'extraction', status: 'succeeded' });
    expect(run.progress).toEqual({ done: 60, total: 60 });
    const byCandidate = Object.fromEntries(
      run.candidates.map((c: { candidate: string }) => [c.candidate, c]),
    );
    expect(Object.keys(byCandidate)).toEqual(CANDIDATES);
    const [mini, flash, haiku] = CANDIDATES.map((c) => byCandidate[c]);
    // evals/simulator-answers.yaml scripts wrong fields for gpt-4o-mini on 3 examples and for
    // gemini-2.5-flash on 7; claude-haiku-4-5 gets every example right.
    expect(haiku).toMatchObject({ score: 1, pass_rate: 1, json_adherence: 1, examples: 20 });
    expect(mini.score).toBeLessThan(1);
    expect(flash.score).toBeLessThan(mini.score);
    expect(mini.pass_rate).toBe(17 / 20);
    expect(flash.pass_rate).toBe(13 / 20);
    expect(mini.model_revisions).toEqual(['gpt-4o-mini-2024-07-18']);
    expect(flash.model_revisions).toEqual(['gemini-2.5-flash-001']);
    for (const c of run.candidates) {
      expect(c.errors).toBe(0);
      expect(c.refusal_rate).toBe(0);
      expect(c.latency_ms.p95).toBeGreaterThanOrEqual(c.latency_ms.p50);
      expect(c.mean_cost_usd).toBeGreaterThan(0);
      expect(c.cost_per_1k_usd).toBeCloseTo(c.mean_cost_usd * 1000, 9);
    }
    expect(run.best.score).toBe('anthropic/claude-haiku-4-5');

    expect(run.examples).toHaveLength(60);
    // The first invoice: the scenario gives mistral a wrong answer there, every model here the right one.
    const firstFlash = run.examples.find(
      (e: { id: string; candidate: string }) =>
        e.id === 'ext-inv-001' && e.candidate === 'google/gemini-2.5-flash',
    );
    expect(firstFlash).toMatchObject({
      model_revision: 'gemini-2.5-flash-001',
      error: null,
      score: 1,
    });
    const flashMisses = run.examples.filter(
      (e: { candidate: string; score: number }) =>
        e.candidate === 'google/gemini-2.5-flash' && e.score < 1,
    );
    expect(flashMisses).toHaveLength(7);
    for (const miss of flashMisses) {
      const failed = miss.checks.filter((c: { score: number }) => c.score < 1);
      expect(failed.length).toBeGreaterThan(0);
      for (const c of failed) expect(c.detail).toEqual(expect.any(String));
    }

    // Each example × candidate was a real job pinned to the candidate, tagged in the ledger...
    const job = await stack.request('GET', `/v1/jobs/${firstFlash.job_id}`);
    expect(job.body).toMatchObject({ pin: 'google/gemini-2.5-flash', eval_run_id: id });
    const calls = await waitFor(
      async () => (await stack.request('GET', `/v1/calls?job_id=${firstFlash.job_id}`)).body.calls,
      (c: unknown[]) => c.length === 1,
      'the call in the ledger',
    );
    expect(calls[0]).toMatchObject({ provider: 'google', eval_run_id: id });
    // ...and kept out of production stats.
    const stats = await stack.request('GET', '/v1/stats?task=extraction&group_by=provider');
    expect(stats.body.groups).toEqual([]);

    const listed = await stack.request('GET', '/v1/evals?task=extraction');
    expect(listed.body.evals.map((r: { id: string }) => r.id)).toContain(id);
    expect(listed.body.evals[0].examples).toBeUndefined();
    expect(listed.body.evals[0].candidates).toEqual(run.candidates);
    const other = await stack.request('GET', `/v1/evals/${id}`, undefined, {}, 'globex');
    expect(other.status).toBe(404);

    const [hook] = await waitFor(
      async () => receiver.requestsTo('/evals'),
      (r) => r.length > 0,
      'the eval.completed webhook',
    );
    expect(hook.verified).toBe(true);
    const body = JSON.parse(hook.rawBody);
    expect(body).toMatchObject({ type: 'eval.completed', data: { id, status: 'succeeded' } });
  });

  it('scores a failing candidate 0 with its error type, without falling back', async () => {
    stack.sim.addFault({ provider: 'google', error_rate: 1, status: 503 });
    try {
      const started = await evalRequest({
        task: 'extraction',
        candidates: ['google/gemini-2.5-flash'],
        examples: 1,
      });
      const run = await waitFor(
        async () => (await stack.request('GET', `/v1/evals/${started.body.id}`)).body,
        (r) => r.status === 'succeeded',
        'the run to finish',
      );
      expect(run.candidates[0]).toMatchObject({ score: 0, errors: 1 });
      expect(run.examples[0].error.type).toBe('overloaded');
      const job = await stack.request('GET', `/v1/jobs/${run.examples[0].job_id}`);
      expect(new Set(job.body.attempts.map((a: JobBody) => a.provider))).toEqual(
        new Set(['google']),
      );
    } finally {
      stack.sim.clearFaults();
    }
  });
});
