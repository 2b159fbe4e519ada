import type { CallRecord } from './call-record.types';
import { CallLedger } from './call-ledger';
import { runMigrations } from './migrate';
import { RegressionDetector } from './regression-detector';
import {
  openPgliteBackend,
  openPostgresBackend,
  type TestBackend,
} from './testing/ledger-test-support';

const HOUR = 3600_000;

interface SideSpec {
  revision: string;
  calls: number;
  /** How many of them failed, recorded without a revision as failures usually are; they come
   * after the side's first success, so they fall inside its revision's epoch. */
  errors?: number;
  latency?: number;
  /** how many were schema-checked and invalid */
  invalid?: number;
}

describe.each([
  ['postgres', () => openPostgresBackend('regr')],
  ['pglite', () => openPgliteBackend('regr')],
])('RegressionDetector on %s', (_name, open) => {
  let backend: TestBackend;
  let ledger: CallLedger;
  const now = Date.now();

  /** Previous revision's calls two hours ago, the new revision's calls one hour ago. */
  async function seed(task: string, model: string, previous: SideSpec, current: SideSpec) {
    const sides: Array<[SideSpec, number]> = [
      [previous, now - 2 * HOUR],
      [current, now - HOUR],
    ];
    for (const [side, start] of sides) {
      for (let i = 0; i < side.calls; i++) {
        const failed = i >= side.calls - (side.errors ?? 0);
        const invalid = !failed && i < (side.invalid ?? 0);
        const started = new Date(start + i * 1000);
        const record: CallRecord = {
          job_id: `${task}-${side.revision}-${i}`,
          tenant: 't1',
          task,
          attempt: 1,
          provider: 'openai',
          model,
          model_revision: failed ? null : side.revision,
          error_type: failed ? 'server_error' : null,
          schema_valid: failed ? null : !invalid,
          latency_ms: side.latency ?? 500,
          started_at: started,
          finished_at: new Date(started.getTime() + (side.latency ?? 500)),
        };
        await ledger.record(record);
      }
    }
    await ledger.flush();
  }

  beforeAll(async () => {
    backend = open();
    await runMigrations(backend.client, { schema: backend.schema });
    ledger = new CallLedger({ client: backend.client, schema: backend.schema });
  }, 60_000);

  afterAll(async () => {
    await ledger.flush();
    await backend.cleanup();
  });

  it('reports a worse revision once, and an equal one never', async () => {
    // Worse: 23% errors instead of 4% (the failures carry no revision and are attributed by
    // time) and three times the latency.
    await seed(
      'extract',
      'gpt-a',
      { revision: 'gpt-a-v1', calls: 25, errors: 1, latency: 400 },
      { revision: 'gpt-a-v2', calls: 26, errors: 6, latency: 1200 },
    );
    // Same behaviour on both revisions.
    await seed(
      'extract',
      'gpt-b',
      { revision: 'gpt-b-v1', calls: 25, errors: 2, latency: 400 },
      { revision: 'gpt-b-v2', calls: 25, errors: 2, latency: 400 },
    );
    // Much worse, but too few calls to judge.
    await seed(
      'extract',
      'gpt-c',
      { revision: 'gpt-c-v1', calls: 5, latency: 400 },
      { revision: 'gpt-c-v2', calls: 5, errors: 5, latency: 4000 },
    );

    const detector = new RegressionDetector(backend.client, { schema: backend.schema });
    const findings = await detector.check();
    const byMetric = Object.fromEntries(findings.map((f) => [f.metric, f]));
    expect(findings.map((f) => f.model).every((m) => m === 'openai/gpt-a')).toBe(true);
    expect(Object.keys(byMetric).sort()).toEqual(['error_rate', 'p95_latency_ms']);
    expect(byMetric.error_rate).toEqual({
      task: 'extract',
      model: 'openai/gpt-a',
      previous_revision: 'gpt-a-v1',
      new_revision: 'gpt-a-v2',
      metric: 'error_rate',
      previous: 1 / 25,
      current: 6 / 26,
      calls_previous: 25,
      calls_current: 26,
    });
    expect(byMetric.p95_latency_ms).toMatchObject({ previous: 400, current: 1200 });

    // The same detector, and a second process with its own detector, stay quiet.
    expect(await detector.check()).toEqual([]);
    const otherProcess = new RegressionDetector(backend.client, { schema: backend.schema });
    expect(await otherProcess.check()).toEqual([]);
  });

  it('watches the invalid-output rate', async () => {
    await seed(
      'classify',
      'gpt-d',
      { revision: 'gpt-d-v1', calls: 30, invalid: 1 },
      { revision: 'gpt-d-v2', calls: 30, invalid: 9 },
    );
    const detector = new RegressionDetector(backend.client, { schema: backend.schema });
    const findings = await detector.check();
    expect(findings).toEqual([
      expect.objectContaining({
        task: 'classify',
        model: 'openai/gpt-d',
        metric: 'invalid_output_rate',
        previous: 1 / 30,
        current: 9 / 30,
      }),
    ]);
  });

  it('honours custom thresholds and the since window', async () => {
    await seed(
      'translate',
      'gpt-e',
      { revision: 'gpt-e-v1', calls: 10, latency: 100 },
      { revision: 'gpt-e-v2', calls: 10, latency: 130 },
    );
    const strict = new RegressionDetector(backend.client, {
      schema: backend.schema,
      thresholds: { min_calls: 10, p95_latency_ratio: 1.2 },
    });
    const mine = async (since?: Date) =>
      (await strict.check({ since })).filter((f) => f.task === 'translate');
    // A window that starts after the previous revision's calls sees only one revision.
    expect(await mine(new Date(now - 1.5 * HOUR))).toEqual([]);
    const findings = await mine();
    expect(findings).toEqual([
      expect.objectContaining({ model: 'openai/gpt-e', metric: 'p95_latency_ms' }),
    ]);
  });

  it('takes per-check threshold overrides (the router passes its env knobs this way)', async () => {
    await seed(
      'summarize',
      'gpt-f',
      { revision: 'gpt-f-v1', calls: 6, latency: 100 },
      { revision: 'gpt-f-v2', calls: 6, errors: 3, latency: 100 },
    );
    const detector = new RegressionDetector(backend.client, { schema: backend.schema });
    const mine = async (thresholds?: { min_calls: number }) =>
      (await detector.check({ thresholds })).filter((f) => f.task === 'summarize');
    // Six calls a side are below the default min_calls of 20.
    expect(await mine()).toEqual([]);
    expect(await mine({ min_calls: 6 })).toEqual([
      expect.objectContaining({
        model: 'openai/gpt-f',
        metric: 'error_rate',
        previous: 0,
        current: 3 / 6,
      }),
    ]);
    expect(detector.thresholds.min_calls).toBe(20);
  });
});
