import { SwitchyardStack, WebhookTestReceiver, waitFor, type JobBody } from '@switchyard/testing';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_KEY, SHIPPED_EVALS_DIR, loadShippedAnswers } from './eval-fixtures';

const asEval = { authorization: `Bearer ${EVAL_KEY}` };
const CANDIDATES = ['openai/gpt-4o-mini', 'google/gemini-2.5-flash', 'anthropic/claude-haiku-4-5'];

const RUBRIC = 'RUBRIC-7731: the answer greets the user politely';
const JUDGED_EXAMPLE = {
  id: 'greet-1',
  messages: [{ role: 'user', content: 'Say hello to Ada' }],
  checks: [
    { type: 'contains', value: 'hello' },
    { type: 'judge', task: 'reasoning', rubric: RUBRIC },
  ],
};
/** The judge's grading jobs carry the rubric; only anthropic is scripted to grade them. */
const JUDGE_REPLIES = [
  { match: 'RUBRIC-7731', provider: 'anthropic', reply: '{"score": 0.8, "reason": "polite"}' },
];

describe('evaluation runs through the real stack (POST/GET /v1/evals)', () => {
  let stack: SwitchyardStack;
  let receiver: WebhookTestReceiver;
  let dir: string;

  beforeAll(async () => {
    // The shipped extraction dataset, and a chat dataset graded by a judge on the reasoning task.
    dir = mkdtempSync(join(tmpdir(), 'sy-evals-'));
    copyFileSync(join(SHIPPED_EVALS_DIR, 'extraction.jsonl'), join(dir, 'extraction.jsonl'));
    writeFileSync(join(dir, 'chat.jsonl'), `${JSON.stringify(JUDGED_EXAMPLE)}\n`);
    stack = await SwitchyardStack.start({
      providers: ['openai', 'google', 'anthropic'],
      ledger: true,
      dispatcher: true,
      env: {
        SWITCHYARD_EVAL_KEYS: `acme=${EVAL_KEY}`,
        SWITCHYARD_EVALS_DIR: dir,
      },
    });
    const shipped = await loadShippedAnswers();
    stack.sim.state.load({ ...shipped, replies: [...JUDGE_REPLIES, ...(shipped.replies ?? [])] });
    receiver = new WebhookTestReceiver(stack.webhookSecret);
    await receiver.listen();
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
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
    const noDataset = await evalRequest({ task: 'vision' });
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

  it('grades a judge check with a job on the judge task, on another provider than the candidate', async () => {
    const started = await evalRequest({ task: 'chat', candidates: ['openai/gpt-4o-mini'] });
    expect(started.status).toBe(202);
    const run = await waitFor(
      async () => (await stack.request('GET', `/v1/evals/${started.body.id}`)).body,
      (r) => r.status === 'succeeded' || r.status === 'failed',
      'the run to finish',
    );
    const [example] = run.examples;
    expect(example.checks).toEqual([
      { type: 'contains', score: 1, detail: expect.any(String) },
      {
        type: 'judge',
        score: 0.8,
        detail: expect.stringContaining('judge (reasoning) scored 0.8'),
      },
    ]);
    expect(example.score).toBeCloseTo(0.9, 9);
    expect(run.notes).toEqual([]);
    // reasoning's chain is openai, anthropic, google: the candidate is openai, so anthropic grades.
    const calls = await waitFor(
      async () =>
        (await stack.request('GET', '/v1/calls?task=reasoning&limit=10')).body.calls as Array<{
          provider: string;
          eval_run_id: string;
        }>,
      (c) => c.length > 0,
      'the grading call in the ledger',
    );
    expect(calls.map((c) => [c.provider, c.eval_run_id])).toEqual([['anthropic', run.id]]);
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
