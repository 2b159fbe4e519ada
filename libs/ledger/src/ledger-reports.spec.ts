import type { CallRecord } from './call-record.types';
import { CallLedger } from './call-ledger';
import { LedgerQueryError } from './ledger-query-error';
import { LedgerReports } from './ledger-reports';
import { runMigrations } from './migrate';
import {
  openPgliteBackend,
  openPostgresBackend,
  type TestBackend,
} from './testing/ledger-test-support';
import { buildWeeklyReport } from './weekly-report';

const silent = { warn: () => undefined };
const H = 3_600_000;
/** A fixed "now" on an hour boundary, so bucket edges are known. */
const NOW = new Date('2026-11-30T12:00:00.000Z');
const at = (hoursAgo: number, minutes = 0) =>
  new Date(NOW.getTime() - hoursAgo * H + minutes * 60_000);

let jobCounter = 0;
function call(startedAt: Date, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    job_id: `job-${++jobCounter}`,
    tenant: 'acme',
    task: 'reasoning',
    attempt: 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    model_revision: 'rev-1',
    latency_ms: 100,
    cost_usd: 0.001,
    schema_valid: null,
    started_at: startedAt,
    finished_at: new Date(startedAt.getTime() + 100),
    ...overrides,
  };
}

describe.each([
  ['postgres', () => openPostgresBackend('reports')],
  ['pglite', () => openPgliteBackend('reports')],
])('LedgerReports on %s', (_name, open) => {
  let backend: TestBackend;
  let reports: LedgerReports;

  beforeAll(async () => {
    backend = open();
    await runMigrations(backend.client, { schema: backend.schema });
    const ledger = new CallLedger({
      client: backend.client,
      schema: backend.schema,
      logger: silent,
    });
    const calls: CallRecord[] = [
      // rev-1: three hours ago, two calls (one failed); two hours ago, one call.
      call(at(3, 10), { latency_ms: 100 }),
      call(at(3, 20), {
        latency_ms: 300,
        error_type: 'overloaded',
        model_revision: null,
        cost_usd: null,
      }),
      call(at(2, 5), { latency_ms: 200, model_revision: 'rev-1' }),
      // rev-2 appears one hour ago.
      call(at(1, 1), {
        model_revision: 'rev-2',
        latency_ms: 400,
        schema_valid: false,
        error_type: 'invalid_output',
      }),
      call(at(1, 2), { model_revision: 'rev-2', latency_ms: 500, schema_valid: true }),
      // Long before the window: rev-0, only in first_seen terms.
      call(at(24 * 20), { model_revision: 'rev-0' }),
      // Another tenant and another task never show up.
      call(at(1, 3), { tenant: 'globex', model_revision: 'rev-globex' }),
      call(at(1, 4), { task: 'chat', model_revision: 'rev-chat' }),
    ];
    for (const c of calls) ledger.record(c);
    await ledger.flush();
  }, 60_000);

  afterAll(async () => {
    await backend.cleanup();
  });

  it('buckets one tenant and task per revision, with counts, rates and latency percentiles', async () => {
    const result = await reports.series(
      { tenant: 'acme', task: 'reasoning', group_by: 'model_revision', bucket: '1h', since: at(6) },
      NOW,
    );
    expect(result).toMatchObject({
      task: 'reasoning',
      bucket: '1h',
      bucket_ms: H,
      since: at(6).toISOString(),
      until: NOW.toISOString(),
    });
    const byGroup = Object.fromEntries(result.series.map((s) => [String(s.group), s]));
    expect(Object.keys(byGroup).sort()).toEqual(['null', 'rev-1', 'rev-2']);
    expect(byGroup['rev-1'].points.map((p) => [p.t, p.calls, p.errors])).toEqual([
      [at(3).toISOString(), 1, 0],
      [at(2).toISOString(), 1, 0],
    ]);
    expect(byGroup['null'].points).toEqual([
      expect.objectContaining({ t: at(3).toISOString(), calls: 1, errors: 1, error_rate: 1 }),
    ]);
    const [rev2] = byGroup['rev-2'].points;
    expect(rev2).toMatchObject({
      t: at(1).toISOString(),
      calls: 2,
      errors: 1,
      error_rate: 0.5,
      invalid_output_rate: 0.5,
    });
    expect(rev2.latency_ms.p50).toBeCloseTo(450);
    expect(rev2.latency_ms.p95).toBeCloseTo(495);
    expect(byGroup['rev-1'].first_seen).toBe(at(3, 10).toISOString());
    expect(byGroup['rev-2'].first_seen).toBe(at(1, 1).toISOString());
    // Oldest first: rev-2 is the newest revision, so it comes last.
    expect(result.series[result.series.length - 1].group).toBe('rev-2');
  });

  it('reports first_seen from before the window when a revision is older than it', async () => {
    const result = await reports.series(
      { tenant: 'acme', group_by: 'model_revision', bucket: '1d', since: at(24 * 30) },
      NOW,
    );
    const rev0 = result.series.find((s) => s.group === 'rev-0');
    expect(rev0?.first_seen).toBe(at(24 * 20).toISOString());
    expect(result.series.map((s) => s.group)).not.toContain('rev-globex');
    expect(result.series.map((s) => s.group)).toContain('rev-chat');

    const recent = await reports.series(
      { tenant: 'acme', task: 'reasoning', group_by: 'model_revision', bucket: '1h', since: at(6) },
      NOW,
    );
    expect(recent.series.map((s) => s.group)).not.toContain('rev-0');
  });

  it('groups by provider/model too', async () => {
    const result = await reports.series(
      { tenant: 'acme', task: 'reasoning', group_by: 'model', bucket: '1h', since: at(6) },
      NOW,
    );
    expect(result.series.map((s) => [s.group, s.points.reduce((n, p) => n + p.calls, 0)])).toEqual([
      ['openai/gpt-4o-mini', 5],
    ]);
  });

  it('refuses a bad bucket, too many buckets and a window that ends before it starts', async () => {
    const q = { tenant: 'acme', group_by: 'model_revision' as const, since: at(6) };
    await expect(reports.series({ ...q, bucket: '1w' }, NOW)).rejects.toThrow(
      new LedgerQueryError('bucket: must be a width from 1m to 1d, such as 15m, 1h or 1d'),
    );
    await expect(reports.series({ ...q, bucket: '1m', since: at(24 * 30) }, NOW)).rejects.toThrow(
      /^bucket: 43200 buckets/,
    );
    await expect(reports.series({ ...q, bucket: '1h', since: 'yesterday' }, NOW)).rejects.toThrow(
      'since: not a valid timestamp',
    );
    await expect(
      reports.series({ ...q, bucket: '1h', since: new Date(NOW.getTime() + H) }, NOW),
    ).rejects.toThrow('since: must be before until');
  });

  it('totals jobs, successes, fallbacks and spend per task, and spend per UTC day', async () => {
    // A fallback job: the first call failed on openai, the second ran on google as a fallback.
    const ledger = new CallLedger({
      client: backend.client,
      schema: backend.schema,
      logger: silent,
    });
    const fallbackStart = new Date('2026-11-29T23:30:00.000Z');
    ledger.record(
      call(fallbackStart, {
        job_id: 'fb',
        task: 'extraction',
        error_type: 'overloaded',
        cost_usd: null,
      }),
    );
    ledger.record(
      call(fallbackStart, {
        job_id: 'fb',
        task: 'extraction',
        attempt: 2,
        provider: 'google',
        fallback_reason: 'overloaded',
        cost_usd: 0.01,
      }),
    );
    ledger.record(
      call(new Date('2026-11-30T01:00:00.000Z'), {
        job_id: 'x2',
        task: 'extraction',
        cost_usd: 0.03,
      }),
    );
    ledger.record(
      call(new Date('2026-11-30T02:00:00.000Z'), {
        job_id: 'x3',
        task: 'extraction',
        error_type: 'bad_request',
        cost_usd: null,
      }),
    );
    await ledger.flush();

    const data = await reports.reportData(
      { tenant: 'acme', since: '2026-11-29T00:00:00.000Z' },
      NOW,
    );
    const extraction = data.tasks.find((t) => t.task === 'extraction');
    expect(extraction).toEqual({
      task: 'extraction',
      calls: 4,
      jobs: 3,
      succeeded_jobs: 2,
      fallback_jobs: 1,
      spend_usd: expect.closeTo(0.04, 10),
    });
    expect(data.daily.filter((d) => d.task === 'extraction')).toEqual([
      { task: 'extraction', day: '2026-11-29', spend_usd: expect.closeTo(0.01, 10) },
      { task: 'extraction', day: '2026-11-30', spend_usd: expect.closeTo(0.03, 10) },
    ]);
    const reasoning = data.tasks.find((t) => t.task === 'reasoning');
    expect(reasoning).toMatchObject({ calls: 5, jobs: 5, succeeded_jobs: 3, fallback_jobs: 0 });
    expect(data.tasks.map((t) => t.task)).toEqual(['chat', 'extraction', 'reasoning']);

    const report = buildWeeklyReport({
      ledger: data,
      openings: [
        { key: 'openai', at: NOW.getTime() - H },
        { key: 'openai/gpt-4o-mini', at: NOW.getTime() - H },
      ],
      providers: ['openai', 'google'],
    });
    expect(report.days).toEqual(['2026-11-29', '2026-11-30']);
    expect(report.tasks.find((t) => t.task === 'extraction')).toMatchObject({
      success_rate: 2 / 3,
      fallback_rate: 1 / 3,
      cost_per_1000_jobs_usd: expect.closeTo((0.04 / 3) * 1000, 8),
    });
    expect(report.providers).toEqual([
      { provider: 'google', incidents: 0, model_incidents: {} },
      { provider: 'openai', incidents: 1, model_incidents: { 'openai/gpt-4o-mini': 1 } },
    ]);

    const globex = await reports.reportData(
      { tenant: 'globex', since: '2026-11-29T00:00:00.000Z' },
      NOW,
    );
    expect(globex.tasks.map((t) => [t.task, t.jobs])).toEqual([['reasoning', 1]]);
  });

  beforeAll(() => {
    reports = new LedgerReports(backend.client, backend.schema);
  });
});
