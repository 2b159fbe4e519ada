import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_ROUTES, SwitchyardStack, WebhookTestReceiver, waitFor } from '@switchyard/testing';
import { SHIPPED_EVALS_DIR, loadShippedAnswers } from './eval-fixtures';

const OLD_REVISION = 'gpt-4o-mini-2024-07-18';
const NEW_REVISION = 'gpt-4o-mini-2026-01-15';

interface RunSummary {
  id: string;
  trigger: string;
  status: string;
  created_at: string;
  candidates: Array<{ candidate: string; score: number; model_revisions: string[] }>;
}

describe('scheduled evaluation runs and eval.regressed (router, two replicas)', () => {
  let stack: SwitchyardStack;
  let receiver: WebhookTestReceiver;
  let dir: string;
  /** The router schedules as soon as it starts: runs from before the scripted answers do not count. */
  let repliesLoadedAt: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-sched-evals-'));
    const routes = join(dir, 'routes.yaml');
    const table = readFileSync(E2E_ROUTES, 'utf8').replace(
      'extraction:\n    primary: openai/gpt-4o-mini\n    fallbacks: [google/gemini-2.5-flash]',
      'extraction:\n    primary: openai/gpt-4o-mini\n    fallbacks: [google/gemini-2.5-flash]\n' +
        '    evals: { schedule: "every 2s", examples: 5, max_drop: 0.1 }',
    );
    expect(table).toContain('every 2s');
    writeFileSync(routes, table);
    receiver = new WebhookTestReceiver('unused');
    await receiver.listen();
    stack = await SwitchyardStack.start({
      providers: ['openai', 'google'],
      ledger: true,
      dispatcher: true,
      routes,
      env: {
        SWITCHYARD_EVALS_DIR: SHIPPED_EVALS_DIR,
        SWITCHYARD_EVAL_SCHEDULER_INTERVAL_MS: '250',
        SWITCHYARD_ALERT_WEBHOOK_URL: receiver.url('/alerts'),
      },
    });
    stack.sim.state.load(await loadShippedAnswers());
    repliesLoadedAt = new Date().toISOString();
    // A second router: scheduling is one process at a time across replicas.
    await stack.spawn('router-2', 'apps/router/src/main.js', []);
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scheduledRuns = async () =>
    ((await stack.request('GET', '/v1/evals?task=extraction&limit=100')).body.evals as RunSummary[])
      .filter((r) => r.trigger === 'schedule')
      .reverse();
  const regressedAlerts = async () =>
    (
      (await stack.request('GET', '/v1/alerts?limit=100')).body.alerts as Array<{
        type: string;
        data: any;
      }>
    ).filter((a) => a.type === 'eval.regressed');

  it('runs on schedule, then announces a worse revision once, naming both revisions', async () => {
    const scripted = (r: RunSummary) => r.status === 'succeeded' && r.created_at > repliesLoadedAt;
    const first = await waitFor(scheduledRuns, (runs) => runs.some(scripted), 'a scheduled run');
    const baseline = first.find(scripted) as RunSummary;
    const baselineMini = baseline.candidates.find(
      (c) => c.candidate === 'openai/gpt-4o-mini',
    ) as RunSummary['candidates'][number];
    expect(baselineMini.model_revisions).toEqual([OLD_REVISION]);
    expect(baselineMini.score).toBeGreaterThan(0.5);

    // The rollout: openai serves a new revision whose answers drift from the scripted ones.
    stack.sim.addFault({
      provider: 'openai',
      model: 'gpt-4o-mini',
      revision: NEW_REVISION,
      worse: { wrong_answer_rate: 1 },
    });
    const [alert] = await waitFor(
      regressedAlerts,
      (a) => a.length > 0,
      'an eval.regressed alert',
      45_000,
    );
    expect(alert.data).toMatchObject({
      task: 'extraction',
      candidate: 'openai/gpt-4o-mini',
      revision_before: OLD_REVISION,
      revision_after: NEW_REVISION,
      score_before: baselineMini.score,
      reasons: ['score_drop'],
    });
    expect(alert.data.score_after).toBeLessThan(baselineMini.score - 0.1);

    // Two more scheduled runs of the worse revision: nothing new is announced.
    const regressedRun = alert.data.run_id as string;
    await waitFor(
      scheduledRuns,
      (runs) =>
        runs.filter(
          (r) =>
            r.status === 'succeeded' &&
            r.created_at > (runs.find((x) => x.id === regressedRun)?.created_at ?? '~'),
        ).length >= 2,
      'two more scheduled runs',
      45_000,
    );
    expect(await regressedAlerts()).toHaveLength(1);
    const hooks = receiver
      .requestsTo('/alerts')
      .filter((h) => JSON.parse(h.rawBody).type === 'eval.regressed');
    expect(hooks).toHaveLength(1);
    const logs = [stack.process('router').logs(), stack.process('router-2').logs()].join('\n');
    expect(logs.match(/eval\.regressed: extraction/g)).toHaveLength(1);

    // Never two scheduled runs at once, across both routers: each starts after the last ended.
    const runs = await scheduledRuns();
    for (let i = 1; i < runs.length; i++) {
      expect(
        Date.parse(runs[i].created_at) - Date.parse(runs[i - 1].created_at),
      ).toBeGreaterThanOrEqual(1_900);
    }
  });
});
