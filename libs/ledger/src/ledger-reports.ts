import { STATS_GROUP_BY } from './call-record.types';
import { LedgerQueryError } from './ledger-query-error';
import { Where, isoOf } from './ledger-queries';
import type {
  LedgerReportData,
  ReportQuery,
  SeriesGroup,
  SeriesQuery,
  SeriesResult,
} from './ledger-reports.types';
import { ledgerTables } from './ledger-tables';
import { checkSeriesWindow, parseBucket } from './series-bucket';
import type { SqlClient } from './sql-client';

/** Whitelisted grouping expressions, as in LedgerQueries.stats; group_by never reaches SQL as text. */
const GROUP_EXPRESSIONS = {
  model_revision: 'model_revision',
  provider: 'provider',
  model: `provider || '/' || model`,
  split: 'split',
} as const;

function instant(field: string, value: Date | string | undefined, fallback: Date): Date {
  if (value === undefined) return fallback;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new LedgerQueryError(`${field}: not a valid timestamp`);
  return d;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * The ledger over time: bucketed series per model revision (the console's revisions page) and the
 * per-task totals of a report window (the weekly economics report). Every query is one tenant's,
 * and runs unchanged on PostgreSQL and PGlite. Calls are placed in time by when they started.
 */
export class LedgerReports {
  private readonly table: string;

  constructor(
    private readonly client: SqlClient,
    schema?: string,
  ) {
    this.table = ledgerTables(schema).calls;
  }

  async series(query: SeriesQuery, now = new Date()): Promise<SeriesResult> {
    if (!STATS_GROUP_BY.includes(query.group_by)) {
      throw new LedgerQueryError(`group_by: must be one of ${STATS_GROUP_BY.join(', ')}`);
    }
    const bucketMs = parseBucket(query.bucket);
    const until = instant('until', query.until, now);
    const since = instant('since', query.since, new Date(until.getTime() - 7 * 86_400_000));
    checkSeriesWindow(since, until, bucketMs);
    const groupExpr = GROUP_EXPRESSIONS[query.group_by];

    const scope = new Where();
    scope.add((p) => `tenant = ${p}`, query.tenant);
    if (query.task !== undefined) scope.add((p) => `task = ${p}`, query.task);
    // Production numbers: calls of evaluation runs are measured by the runs themselves.
    scope.clauses.push('eval_run_id IS NULL');
    // Answers served from the response cache made no call: no latency, errors or cost to count.
    scope.clauses.push('cached IS NOT TRUE');
    const window = new Where();
    window.clauses.push(...scope.clauses);
    window.params.push(...scope.params);
    window.add((p) => `started_at >= ${p}::timestamptz`, since.toISOString());
    window.add((p) => `started_at < ${p}::timestamptz`, until.toISOString());
    window.params.push(bucketMs);
    const bucketParam = `$${window.params.length}`;

    const [points, firsts] = await Promise.all([
      this.client.query<Record<string, unknown>>(
        `SELECT ${groupExpr} AS grp,
            date_bin(${bucketParam}::bigint * interval '1 millisecond', started_at, timestamptz 'epoch') AS t,
            count(*)::int AS calls,
            count(*) FILTER (WHERE error_type IS NOT NULL)::int AS errors,
            count(*) FILTER (WHERE schema_valid IS NOT NULL OR error_type = 'invalid_output')::int AS checked,
            count(*) FILTER (WHERE schema_valid = false OR error_type = 'invalid_output')::int AS invalid,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
            avg(cost_usd) AS mean_cost
          FROM ${this.table}
          WHERE ${window}
          GROUP BY 1, 2
          ORDER BY 1, 2`,
        window.params,
      ),
      this.client.query<{ grp: string | null; first_seen: unknown }>(
        `SELECT ${groupExpr} AS grp, min(started_at) AS first_seen
          FROM ${this.table}
          WHERE ${scope}
          GROUP BY 1`,
        scope.params,
      ),
    ]);

    const firstSeen = new Map(firsts.rows.map((r) => [r.grp, isoOf(r.first_seen)]));
    const groups = new Map<string | null, SeriesGroup>();
    for (const r of points.rows) {
      const grp = (r.grp as string | null) ?? null;
      let group = groups.get(grp);
      if (!group) {
        group = { group: grp, first_seen: firstSeen.get(grp) ?? isoOf(r.t), points: [] };
        groups.set(grp, group);
      }
      const calls = num(r.calls);
      const checked = num(r.checked);
      group.points.push({
        t: isoOf(r.t),
        calls,
        errors: num(r.errors),
        error_rate: calls ? num(r.errors) / calls : 0,
        invalid_output_rate: checked ? num(r.invalid) / checked : null,
        latency_ms: { p50: num(r.p50), p95: num(r.p95) },
        mean_cost_usd: num(r.mean_cost),
      });
    }
    const series = [...groups.values()].sort((a, b) =>
      a.first_seen === b.first_seen
        ? String(a.group).localeCompare(String(b.group))
        : a.first_seen.localeCompare(b.first_seen),
    );
    return {
      task: query.task ?? null,
      group_by: query.group_by,
      bucket: query.bucket,
      bucket_ms: bucketMs,
      since: since.toISOString(),
      until: until.toISOString(),
      series,
    };
  }

  /** Per task: jobs, successes, fallbacks and spend in [since, until), and spend per UTC day. */
  async reportData(query: ReportQuery, now = new Date()): Promise<LedgerReportData> {
    const until = instant('until', query.until, now);
    const since = instant('since', query.since, new Date(until.getTime() - 7 * 86_400_000));
    if (until.getTime() <= since.getTime())
      throw new LedgerQueryError('since: must be before until');
    const where = new Where();
    where.add((p) => `tenant = ${p}`, query.tenant);
    where.add((p) => `started_at >= ${p}::timestamptz`, since.toISOString());
    where.add((p) => `started_at < ${p}::timestamptz`, until.toISOString());
    where.clauses.push('eval_run_id IS NULL');

    const [tasks, daily] = await Promise.all([
      this.client.query<Record<string, unknown>>(
        `SELECT task,
            count(*)::int AS calls,
            count(DISTINCT job_id)::int AS jobs,
            count(DISTINCT job_id) FILTER (WHERE error_type IS NULL)::int AS succeeded_jobs,
            count(DISTINCT job_id) FILTER (WHERE fallback_reason IS NOT NULL)::int AS fallback_jobs,
            coalesce(sum(cost_usd), 0)::double precision AS spend
          FROM ${this.table}
          WHERE ${where}
          GROUP BY task
          ORDER BY task`,
        where.params,
      ),
      this.client.query<{ task: string; day: string; spend: unknown }>(
        `SELECT task, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
            coalesce(sum(cost_usd), 0)::double precision AS spend
          FROM ${this.table}
          WHERE ${where}
          GROUP BY 1, 2
          ORDER BY 1, 2`,
        where.params,
      ),
    ]);
    return {
      since: since.toISOString(),
      until: until.toISOString(),
      tasks: tasks.rows.map((r) => ({
        task: String(r.task),
        calls: num(r.calls),
        jobs: num(r.jobs),
        succeeded_jobs: num(r.succeeded_jobs),
        fallback_jobs: num(r.fallback_jobs),
        spend_usd: num(r.spend),
      })),
      daily: daily.rows.map((r) => ({
        task: String(r.task),
        day: String(r.day),
        spend_usd: num(r.spend),
      })),
    };
  }
}
