import {
  STATS_GROUP_BY,
  type CallRow,
  type ListCallsQuery,
  type ListCallsResult,
  type StatsGroup,
  type StatsGroupBy,
  type StatsQuery,
} from './call-record.types';
import { decodeCursor, encodeCursor } from './call-cursor';
import { LedgerQueryError } from './ledger-query-error';
import { ledgerTables } from './ledger-tables';
import type { SqlClient, SqlParam } from './sql-client';

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

/** Whitelisted grouping expressions; group_by never reaches SQL as text. */
const GROUP_EXPRESSIONS: Record<StatsGroupBy, string> = {
  model_revision: 'model_revision',
  provider: 'provider',
  model: `provider || '/' || model`,
  split: 'split',
};

/** The calls a query may read: always one tenant's. */
export class Where {
  readonly clauses: string[] = [];
  readonly params: SqlParam[] = [];

  add(clause: (placeholder: string) => string, value: SqlParam): void {
    this.params.push(value);
    this.clauses.push(clause(`$${this.params.length}`));
  }

  toString(): string {
    return this.clauses.join(' AND ');
  }
}

export function sinceIso(since: Date | string | undefined): string | undefined {
  if (since === undefined) return undefined;
  const d = since instanceof Date ? since : new Date(since);
  if (Number.isNaN(d.getTime())) throw new LedgerQueryError('since: not a valid timestamp');
  // Past year 9999 toISOString writes "+099999-…", which PostgreSQL does not read.
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) {
    throw new LedgerQueryError('since: must be a timestamp between the years 0001 and 9999');
  }
  return d.toISOString();
}

/** Duck-typed: PGlite's Dates may come from another realm, where instanceof Date is false. */
export function isoOf(value: unknown): string {
  const maybeDate = value as { toISOString?: unknown } | null;
  if (maybeDate && typeof maybeDate.toISOString === 'function') {
    return (value as Date).toISOString();
  }
  return new Date(String(value)).toISOString();
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function parsePrompt(stored: unknown): unknown {
  if (stored === null || stored === undefined) return null;
  try {
    return JSON.parse(String(stored));
  } catch {
    // Truncated prompts are no longer JSON; they are returned as the stored text.
    return String(stored);
  }
}

type RawCallRow = Record<string, unknown> & { created_us: string | number; id: string | number };

function toCallRow(r: RawCallRow): CallRow {
  return {
    id: String(r.id),
    job_id: String(r.job_id),
    tenant: String(r.tenant),
    task: String(r.task),
    attempt: Number(r.attempt),
    provider: String(r.provider),
    model: String(r.model),
    model_revision: (r.model_revision as string | null) ?? null,
    system_fingerprint: (r.system_fingerprint as string | null) ?? null,
    provider_request_id: (r.provider_request_id as string | null) ?? null,
    prompt: parsePrompt(r.prompt),
    response: (r.response as string | null) ?? null,
    error_type: (r.error_type as string | null) ?? null,
    error_message: (r.error_message as string | null) ?? null,
    latency_ms: Number(r.latency_ms),
    ttft_ms: numOrNull(r.ttft_ms),
    input_tokens: numOrNull(r.input_tokens),
    output_tokens: numOrNull(r.output_tokens),
    usage_estimated: (r.usage_estimated as boolean | null) ?? null,
    cost_usd: numOrNull(r.cost_usd),
    schema_valid: (r.schema_valid as boolean | null) ?? null,
    fallback_reason: (r.fallback_reason as string | null) ?? null,
    trace_id: (r.trace_id as string | null) ?? null,
    rule: (r.rule as string | null) ?? null,
    split: (r.split as string | null) ?? null,
    started_at: isoOf(r.started_at),
    finished_at: isoOf(r.finished_at),
    created_at: isoOf(r.created_at),
    eval_run_id: (r.eval_run_id as string | null) ?? null,
    cached: r.cached === true,
  };
}

/** Read side of the ledger: every query is scoped to one tenant. */
export class LedgerQueries {
  private readonly table: string;

  constructor(
    private readonly client: SqlClient,
    schema?: string,
  ) {
    this.table = ledgerTables(schema).calls;
  }

  /** Newest first, cursor-paginated on (created_at, id). */
  async listCalls(query: ListCallsQuery): Promise<ListCallsResult> {
    const limit = Math.min(
      MAX_LIST_LIMIT,
      Math.max(1, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT) || DEFAULT_LIST_LIMIT),
    );
    const where = new Where();
    where.add((p) => `tenant = ${p}`, query.tenant);
    if (query.job_id !== undefined) where.add((p) => `job_id = ${p}`, query.job_id);
    if (query.task !== undefined) where.add((p) => `task = ${p}`, query.task);
    if (query.provider !== undefined) where.add((p) => `provider = ${p}`, query.provider);
    if (query.model_revision !== undefined) {
      where.add((p) => `model_revision = ${p}`, query.model_revision);
    }
    const since = sinceIso(query.since);
    if (since !== undefined) where.add((p) => `created_at >= ${p}::timestamptz`, since);
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      where.params.push(cursor.createdAtMicros, cursor.id);
      const [ts, id] = [where.params.length - 1, where.params.length];
      where.clauses.push(
        `(created_at, id) < (timestamptz 'epoch' + $${ts}::bigint * interval '1 microsecond', $${id}::bigint)`,
      );
    }
    const { rows } = await this.client.query<RawCallRow>(
      `SELECT id::text AS id, job_id, tenant, task, attempt, provider, model, model_revision,
          system_fingerprint, provider_request_id, prompt, response, error_type, error_message,
          latency_ms, ttft_ms, input_tokens, output_tokens, usage_estimated, cost_usd, schema_valid,
          fallback_reason, trace_id, rule, split, started_at, finished_at, created_at, eval_run_id, cached,
          (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_us
        FROM ${this.table} AS c
        WHERE ${where}
        -- Qualified: a bare "id" here would sort by the text output column ('9' after '10').
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT ${limit + 1}`,
      where.params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next_cursor =
      rows.length > limit && last
        ? encodeCursor({ createdAtMicros: String(last.created_us), id: String(last.id) })
        : null;
    return { calls: page.map(toCallRow), next_cursor };
  }

  async stats(query: StatsQuery): Promise<StatsGroup[]> {
    if (!STATS_GROUP_BY.includes(query.group_by)) {
      throw new LedgerQueryError(`group_by: must be one of ${STATS_GROUP_BY.join(', ')}`);
    }
    const groupExpr = GROUP_EXPRESSIONS[query.group_by];
    const where = new Where();
    where.add((p) => `tenant = ${p}`, query.tenant);
    if (query.task !== undefined) where.add((p) => `task = ${p}`, query.task);
    const since = sinceIso(query.since);
    if (since !== undefined) where.add((p) => `created_at >= ${p}::timestamptz`, since);
    // Production numbers: calls of evaluation runs are measured by the runs themselves.
    where.clauses.push('eval_run_id IS NULL');
    // Answers served from the response cache made no call: no latency, errors or cost to count.
    where.clauses.push('cached IS NOT TRUE');

    const [summary, errors] = await Promise.all([
      this.client.query<{
        grp: string | null;
        calls: number;
        ok: number;
        checked: number;
        invalid: number;
        p50: number;
        p95: number;
        ttft_calls: number;
        ttft_p50: number | null;
        ttft_p95: number | null;
        mean_cost: number | null;
        input_tokens: number;
        output_tokens: number;
      }>(
        `SELECT ${groupExpr} AS grp,
            count(*)::int AS calls,
            count(*) FILTER (WHERE error_type IS NULL)::int AS ok,
            count(*) FILTER (WHERE schema_valid IS NOT NULL OR error_type = 'invalid_output')::int AS checked,
            count(*) FILTER (WHERE schema_valid = false OR error_type = 'invalid_output')::int AS invalid,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
            count(ttft_ms)::int AS ttft_calls,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_p95,
            avg(cost_usd) AS mean_cost,
            coalesce(sum(input_tokens), 0)::double precision AS input_tokens,
            coalesce(sum(output_tokens), 0)::double precision AS output_tokens
          FROM ${this.table}
          WHERE ${where}
          GROUP BY 1
          ORDER BY calls DESC, grp`,
        where.params,
      ),
      this.client.query<{ grp: string | null; error_type: string; n: number }>(
        `SELECT ${groupExpr} AS grp, error_type, count(*)::int AS n
          FROM ${this.table}
          WHERE ${where} AND error_type IS NOT NULL
          GROUP BY 1, 2`,
        where.params,
      ),
    ]);

    const errorsByGroup = new Map<string | null, Record<string, number>>();
    for (const e of errors.rows) {
      const bucket = errorsByGroup.get(e.grp) ?? {};
      bucket[e.error_type] = Number(e.n);
      errorsByGroup.set(e.grp, bucket);
    }
    return summary.rows.map((r) => {
      const calls = Number(r.calls);
      const checked = Number(r.checked);
      return {
        group: r.grp,
        calls,
        success_rate: calls ? Number(r.ok) / calls : 0,
        error_types: errorsByGroup.get(r.grp) ?? {},
        invalid_output_rate: checked ? Number(r.invalid) / checked : null,
        latency_ms: { p50: Number(r.p50), p95: Number(r.p95) },
        ttft_ms:
          Number(r.ttft_calls) > 0 ? { p50: Number(r.ttft_p50), p95: Number(r.ttft_p95) } : null,
        mean_cost_usd: r.mean_cost === null ? 0 : Number(r.mean_cost),
        tokens: { input: Number(r.input_tokens), output: Number(r.output_tokens) },
      };
    });
  }
}
