import { Client } from 'pg';
import { SwitchyardStack, TEST_DATABASE_URL, waitFor } from '@switchyard/testing';
import { EVAL_KEY, SHIPPED_EVALS_DIR, loadShippedAnswers } from './eval-fixtures';

describe('an evaluation run survives the ingress executing it', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['openai', 'google'],
      ledger: true,
      env: {
        SWITCHYARD_EVAL_KEYS: `acme=${EVAL_KEY}`,
        SWITCHYARD_EVALS_DIR: SHIPPED_EVALS_DIR,
        // A dead ingress's run is taken up again this soon.
        SWITCHYARD_LOCK_DURATION_MS: '2000',
      },
    });
    const shipped = await loadShippedAnswers();
    // Slow answers, so the run is still going when its ingress dies.
    stack.sim.state.load({
      ...shipped,
      faults: [...(shipped.faults ?? []), { provider: '*', latency_ms: 250 }],
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('resumes after a SIGKILL: every example scored once, no job submitted twice', async () => {
    const started = await stack.request(
      'POST',
      '/v1/evals',
      { task: 'extraction', candidates: 'all', concurrency: 2 },
      { authorization: `Bearer ${EVAL_KEY}` },
      null,
    );
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const view = async () => (await stack.request('GET', `/v1/evals/${id}`)).body;
    await waitFor(view, (r) => r.progress?.done >= 6, 'a few examples scored');

    await stack.restart('ingress');
    const midway = await view();
    expect(midway.progress.done).toBeLessThan(midway.progress.total);

    const run = await waitFor(view, (r) => r.status === 'succeeded', 'the resumed run', 60_000);
    expect(run.progress).toEqual({ done: 40, total: 40 });
    const pairs = new Set(
      run.examples.map((e: { id: string; candidate: string }) => `${e.candidate} ${e.id}`),
    );
    expect(pairs.size).toBe(40);
    const jobs = new Set(run.examples.map((e: { job_id: string }) => e.job_id));
    expect(jobs.size).toBe(40);

    // The ledger: one call per job of the run, so nothing was paid for twice.
    const pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    try {
      const counted = await waitFor(
        async () =>
          (
            await pg.query<{ calls: number; jobs: number }>(
              `SELECT count(*)::int AS calls, count(DISTINCT job_id)::int AS jobs
                FROM "${stack.schema}".switchyard_calls WHERE eval_run_id = $1`,
              [id],
            )
          ).rows[0],
        (r) => r.calls >= 40,
        'the run calls in the ledger',
      );
      expect(counted).toEqual({ calls: 40, jobs: 40 });
    } finally {
      await pg.end();
    }
  });
});
