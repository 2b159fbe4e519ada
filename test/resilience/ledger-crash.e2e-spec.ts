import { Client } from 'pg';
import { SwitchyardStack, TEST_DATABASE_URL } from '@switchyard/testing';
import { pool, reasoning, sleep, until, waitForAll } from './resilience-support';

/**
 * Issue 14 item 6: every attempt's call row reaches the ledger, exactly once, whichever process
 * dies when. The database is made slow (the test holds a lock on the calls table, so every INSERT
 * waits) while jobs run to the end; then every process that writes ledger rows (the workers and
 * the router) is killed with SIGKILL, the lock is released and they are restarted. Rows that were
 * only in a dead process's memory would be gone; the outbox keeps them in Redis, written with the
 * attempt's own record, and an INSERT that committed after its process died (the orphaned
 * statement ran once the lock was released) is not stored a second time when the row is drained
 * again.
 */
describe('ledger rows survive SIGKILL of the processes that write them', () => {
  let stack: SwitchyardStack;
  let pg: Client;
  const writers = ['worker-openai', 'worker-anthropic', 'router'];

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      ledger: true,
      providers: ['openai', 'anthropic'],
      // Rows a dead process had taken are taken over once idle this long (the attempt lock).
      env: { SWITCHYARD_LOCK_DURATION_MS: '3000' },
    });
    for (const name of [...writers, 'ingress']) {
      await stack.process(name).waitForLog(/ledger: PostgreSQL/);
    }
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await stack?.stop();
  });

  it('every attempt of every job has exactly one ledger row after the kill and a restart', async () => {
    // Some openai calls fail, so jobs have retried and fallen-back attempts as well as successes.
    stack.sim.addFault({ provider: 'openai', error_rate: 0.3, status: 500 });
    const table = `"${stack.schema}".switchyard_calls`;

    // A slow database: every INSERT waits for this lock.
    await pg.query('BEGIN');
    await pg.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
    const ids = await pool(
      Array.from({ length: 30 }, (_, i) => i),
      6,
      async (i) => {
        const res = await stack.submit(reasoning(`ledger crash ${i}`));
        expect(res.status).toBe(202);
        return res.body.id as string;
      },
    );
    const jobs = await waitForAll(stack, ids, 60_000);
    const expected = jobs.flatMap((job) =>
      (job.attempts as Array<{ hop: number; try: number; status: string }>)
        .filter((a) => a.status !== 'running')
        .map((a) => `${job.id}:h${a.hop}:t${a.try}`),
    );
    expect(expected.length).toBeGreaterThanOrEqual(ids.length);

    // Everything ended; no row can have been stored yet. Now the writers die.
    await Promise.all(writers.map((name) => stack.process(name).stop('SIGKILL')));
    await pg.query('ROLLBACK');
    for (const name of writers) await stack.restart(name);

    const stored = async () =>
      (
        await pg.query<{ call_key: string | null; job_id: string; n: number }>(
          `SELECT call_key, job_id, count(*)::int AS n FROM ${table}
            WHERE job_id = ANY($1) GROUP BY call_key, job_id`,
          [ids],
        )
      ).rows;
    await until(
      async () => (await stored()).length,
      (n) => n >= expected.length,
      `${expected.length} ledger rows`,
      30_000,
      200,
    );
    // Long enough for a second copy of any row (a re-drain, a takeover) to arrive.
    await sleep(4000);

    const rows = await stored();
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(rows.map((r) => r.call_key).sort()).toEqual([...expected].sort());
    const { rows: total } = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE job_id = ANY($1)`,
      [ids],
    );
    expect(total[0].n).toBe(expected.length);
  }, 120_000);
});
