import { EvalStore } from './eval-store';
import { runMigrations } from './migrate';
import { ledgerTables } from './ledger-tables';
import {
  openPgliteBackend,
  openPostgresBackend,
  type TestBackend,
} from './testing/ledger-test-support';
import { CallLedger } from './call-ledger';
import { LedgerQueries } from './ledger-queries';

describe.each([
  ['postgres', () => openPostgresBackend('evals')],
  ['pglite', () => openPgliteBackend('evals')],
])('EvalStore on %s', (_name, open) => {
  let backend: TestBackend;
  let store: EvalStore;

  beforeAll(async () => {
    backend = open();
    await runMigrations(backend.client, { schema: backend.schema });
    store = new EvalStore(backend.client, backend.schema);
  }, 60_000);
  afterAll(async () => {
    await backend.cleanup();
  });

  it('stores a run and its results, reads them back in candidate then dataset order', async () => {
    await store.createRun({
      id: 'eval_a',
      tenant: 'acme',
      task: 'extraction',
      trigger: 'api',
      candidates: ['openai/gpt-4o-mini', 'google/gemini-2.5-flash'],
      examples_limit: 2,
      webhook_url: null,
    });
    await store.markRunning('eval_a', 4);
    const row = (candidate: string, example: string, position: number, score: number) => ({
      run_id: 'eval_a',
      example_id: example,
      candidate,
      position,
      job_id: `job_${candidate}_${example}`,
      model_revision: `${candidate}-rev`,
      score,
      result: { id: example, candidate, score },
    });
    await store.saveResult(row('google/gemini-2.5-flash', 'ex-2', 1, 0.5));
    await store.saveResult(row('openai/gpt-4o-mini', 'ex-2', 1, 1));
    await store.saveResult(row('openai/gpt-4o-mini', 'ex-1', 0, 0.25));
    // A resumed run scores an example again: the result is replaced, never doubled.
    await store.saveResult(row('openai/gpt-4o-mini', 'ex-1', 0, 1));

    const run = await store.getRun('eval_a', 'acme');
    expect(run).toMatchObject({ status: 'running', total: 4, done: 3, examples_limit: 2 });
    const results = await store.results('eval_a');
    expect(results.map((r) => [r.candidate, r.example_id, r.score])).toEqual([
      ['openai/gpt-4o-mini', 'ex-1', 1],
      ['openai/gpt-4o-mini', 'ex-2', 1],
      ['google/gemini-2.5-flash', 'ex-2', 0.5],
    ]);
    expect(await store.getRun('eval_a', 'globex')).toBeNull();

    await store.finish('eval_a', 'succeeded');
    expect((await store.listRuns({ tenant: 'acme', task: 'extraction' }))[0]).toMatchObject({
      id: 'eval_a',
      status: 'succeeded',
      finished_at: expect.any(String),
    });
  });

  it('lets exactly one caller claim a run regression check', async () => {
    await store.createRun({
      id: 'eval_s',
      tenant: '_scheduled',
      task: 'extraction',
      trigger: 'schedule',
      candidates: ['openai/gpt-4o-mini'],
      examples_limit: null,
    });
    await store.finish('eval_s', 'succeeded');
    expect((await store.uncheckedScheduledRuns()).map((r) => r.id)).toEqual(['eval_s']);
    const claims = await Promise.all([1, 2, 3].map(() => store.claimRegressionCheck('eval_s')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.uncheckedScheduledRuns()).toEqual([]);
    // Scheduled runs are the operators': every tenant reads them.
    expect(await store.getRun('eval_s', 'globex')).toMatchObject({ trigger: 'schedule' });
  });

  it('keeps calls tagged with an eval run out of production stats', async () => {
    const ledger = new CallLedger({ client: backend.client, schema: backend.schema });
    const call = {
      tenant: 'acme',
      task: 'extraction',
      attempt: 1,
      provider: 'openai',
      model: 'gpt-4o-mini',
      model_revision: 'gpt-4o-mini-2024-07-18',
      latency_ms: 10,
      started_at: new Date(),
      finished_at: new Date(),
    };
    await ledger.record({ ...call, job_id: 'job_prod' });
    await ledger.record({ ...call, job_id: 'job_eval', eval_run_id: 'eval_a' });
    await ledger.flush();
    const queries = new LedgerQueries(backend.client, backend.schema);
    const stats = await queries.stats({ tenant: 'acme', group_by: 'provider' });
    expect(stats.map((g) => [g.group, g.calls])).toEqual([['openai', 1]]);
    const listed = await queries.listCalls({ tenant: 'acme' });
    expect(listed.calls.find((c) => c.job_id === 'job_eval')?.eval_run_id).toBe('eval_a');
    const { rows } = await backend.client.query(
      `SELECT count(*)::int AS n FROM ${ledgerTables(backend.schema).calls} WHERE eval_run_id = 'eval_a'`,
    );
    expect(rows[0]).toEqual({ n: 1 });
  });
});
