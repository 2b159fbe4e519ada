import { randomBytes } from 'node:crypto';
import { SwitchyardStack, WebhookTestReceiver, type JobBody } from '@switchyard/testing';
import { waitFor } from '@switchyard/testing';
import { metricValue } from './observability-helpers';

/** Calls each revision needs before the watch compares them (SWITCHYARD_REGRESSION_MIN_CALLS). */
const MIN_CALLS = 8;
const GROQ_MODEL = 'llama-3.3-70b-versatile';

/**
 * Issue 6, model revisions: the ledger tells revisions of one model apart, and the router's
 * regression watch (every 500 ms here, with a small min_calls) announces a worse rollout once.
 */
describe('model revisions in the ledger, and the regression watch', () => {
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  let alerts: WebhookTestReceiver;
  let stack: SwitchyardStack;

  beforeAll(async () => {
    alerts = new WebhookTestReceiver(webhookSecret);
    await alerts.listen();
    stack = await SwitchyardStack.start({
      ledger: true,
      dispatcher: true,
      providers: ['openai', 'groq', 'anthropic'],
      env: {
        SWITCHYARD_WEBHOOK_SECRET: webhookSecret,
        SWITCHYARD_ALERT_WEBHOOK_URL: alerts.url('/alerts'),
        SWITCHYARD_REGRESSION_INTERVAL_MS: '500',
        SWITCHYARD_REGRESSION_MIN_CALLS: String(MIN_CALLS),
        // Latency on a shared test machine is noise; only error rates decide here.
        SWITCHYARD_REGRESSION_P95_LATENCY_RATIO: '1000',
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await alerts?.close();
  });

  const body = (task: string, n: number): JobBody => ({
    task,
    messages: [{ role: 'user', content: `question ${n}` }],
  });

  /** Submits `count` jobs at once and waits for all of them. */
  async function runJobs(task: string, count: number): Promise<any[]> {
    const submitted = await Promise.all(
      Array.from({ length: count }, (_, i) => stack.submit(body(task, i))),
    );
    for (const s of submitted) expect(s.status).toBe(202);
    return Promise.all(submitted.map((s) => stack.waitForJob(s.body.id)));
  }

  /** One job after another, so calls start in order (a revision's epoch begins at its first success). */
  async function runJobsInOrder(task: string, count: number): Promise<any[]> {
    const jobs = [];
    for (let i = 0; i < count; i++) {
      const s = await stack.submit(body(task, i));
      expect(s.status).toBe(202);
      jobs.push(await stack.waitForJob(s.body.id));
    }
    return jobs;
  }

  const ledgerCalls = async (query: string) =>
    (await stack.request('GET', `/v1/calls?limit=500&${query}`)).body.calls as any[];

  const regressionAlerts = () =>
    alerts
      .requestsTo('/alerts')
      .map((r) => ({ ...r, event: JSON.parse(r.rawBody) }))
      .filter((r) => r.event.type === 'regression.detected');

  const routerMetrics = async () => {
    const res = await fetch(`http://127.0.0.1:${stack.process('router').port}/metrics`);
    return res.text();
  };

  const checksRun = async () =>
    metricValue(await routerMetrics(), 'switchyard_regression_checks_total', { outcome: 'ok' }) ??
    0;

  it('separates two revisions of one model in /v1/stats?group_by=model_revision', async () => {
    const before = await runJobs('reasoning', MIN_CALLS);
    const oldRevision = before[0].result.model_revision;
    expect(oldRevision).toBe('gpt-4o-mini-2024-07-18');

    const newRevision = 'gpt-4o-mini-2025-06-01';
    stack.sim.addFault({ provider: 'openai', model: 'gpt-4o-mini', revision: newRevision });
    const after = await runJobs('reasoning', MIN_CALLS);
    for (const job of [...before, ...after]) expect(job.status).toBe('succeeded');
    expect(before.map((j) => j.result.model_revision)).toEqual(Array(MIN_CALLS).fill(oldRevision));
    expect(after.map((j) => j.result.model_revision)).toEqual(Array(MIN_CALLS).fill(newRevision));

    // The ledger writes in the background: wait until every call is in.
    await waitFor(
      () => ledgerCalls('task=reasoning'),
      (calls) => calls.length === 2 * MIN_CALLS,
      'all reasoning calls in the ledger',
    );
    const stats = await stack.request('GET', '/v1/stats?task=reasoning&group_by=model_revision');
    expect(stats.status).toBe(200);
    expect(stats.body.group_by).toBe('model_revision');
    const groups = stats.body.groups as any[];
    expect(groups.map((g) => [g.group, g.calls, g.success_rate]).sort()).toEqual([
      [oldRevision, MIN_CALLS, 1],
      [newRevision, MIN_CALLS, 1],
    ]);
    for (const g of groups) {
      expect(g.mean_cost_usd).toBeGreaterThan(0);
      expect(g.tokens.input).toBeGreaterThan(0);
      expect(g.error_types).toEqual({});
    }

    // The calls of one revision are exactly the jobs that ran after the rollout.
    const newCalls = await ledgerCalls(`model_revision=${newRevision}`);
    expect(newCalls.map((c) => c.job_id).sort()).toEqual(after.map((j) => j.id).sort());

    // Another tenant sees none of it.
    const other = await stack.request('GET', '/v1/stats?task=reasoning', undefined, {}, 'globex');
    expect(other.body.groups).toEqual([]);
  });

  it('announces a worse revision once: alert webhook, log line and metric', async () => {
    const baseline = await runJobs('chat', MIN_CALLS + 2);
    for (const job of baseline) expect(job.result.provider).toBe('groq');
    const oldRevision = baseline[0].result.model_revision;
    expect(oldRevision).toBe(`${GROQ_MODEL}-sim-001`);

    // The new revision fails 40 % of calls (every job still succeeds on the anthropic fallback).
    const newRevision = `${GROQ_MODEL}-sim-002`;
    stack.sim.addFault({
      provider: 'groq',
      model: GROQ_MODEL,
      revision: newRevision,
      worse: { error_rate: 0.4 },
    });
    const rolledOut = await runJobsInOrder('chat', MIN_CALLS + 4);
    for (const job of rolledOut) expect(job.status).toBe('succeeded');
    const served = rolledOut.map((j) => j.result.provider);
    expect(served).toContain('groq');
    expect(served).toContain('anthropic');

    const [alert] = await waitFor(
      async () => regressionAlerts(),
      (found) => found.length > 0,
      'a regression.detected alert webhook',
    );
    expect(alert.verified).toBe(true);
    expect(alert.event.data).toMatchObject({
      task: 'chat',
      model: `groq/${GROQ_MODEL}`,
      previous_revision: oldRevision,
      new_revision: newRevision,
      metric: 'error_rate',
    });
    expect(alert.event.data.current - alert.event.data.previous).toBeGreaterThan(0.1);
    expect(alert.event.data.calls_previous).toBeGreaterThanOrEqual(MIN_CALLS);
    expect(alert.event.data.calls_current).toBeGreaterThanOrEqual(MIN_CALLS);

    const router = stack.process('router');
    const announced = () =>
      router.logs().match(/regression\.detected: chat groq\/llama-3\.3-70b-versatile /g) ?? [];
    expect(announced()).toHaveLength(1);
    expect(router.logs()).toContain(`${oldRevision} -> ${newRevision}: error_rate`);
    const labels = { task: 'chat', model: `groq/${GROQ_MODEL}` };
    expect(
      metricValue(await routerMetrics(), 'switchyard_regressions_detected_total', labels),
    ).toBe(1);

    // More calls on the worse revision change its numbers; later checks must stay quiet anyway,
    // in this router and in a restarted one (the ledger remembers what was announced).
    const more = await runJobsInOrder('chat', 4);
    const total = baseline.length + rolledOut.length + more.length;
    await waitFor(
      () => ledgerCalls('task=chat&provider=groq'),
      (calls) => calls.length === total,
      'every groq call in the ledger',
    );
    const seen = await checksRun();
    await waitFor(checksRun, (n) => n >= seen + 3, 'three more regression checks');
    await stack.restart('router');
    await waitFor(checksRun, (n) => n >= 3, 'three checks by the restarted router');

    expect(regressionAlerts()).toHaveLength(1);
    expect(announced()).toHaveLength(1);
    expect(
      metricValue(await routerMetrics(), 'switchyard_regressions_detected_total', labels),
    ).toBeUndefined();
    // The equal rollout of the first test was compared too, and was never reported.
    expect(router.logs()).not.toMatch(/regression\.detected: reasoning/);
  });
});
