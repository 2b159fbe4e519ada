import { ledgerTables } from './ledger-tables';
import type { SqlClient } from './sql-client';

export const EVAL_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type EvalRunStatus = (typeof EVAL_RUN_STATUSES)[number];
/** `api`: POST /v1/evals (and `npm run eval`); `schedule`: a task's `evals.schedule` in the router. */
export type EvalRunTrigger = 'api' | 'schedule';

export interface EvalRunRow {
  id: string;
  tenant: string;
  task: string;
  status: EvalRunStatus;
  trigger: EvalRunTrigger;
  /** `provider/model`, in the order they were asked for */
  candidates: string[];
  /** The first N examples of the dataset; null = all */
  examples_limit: number | null;
  /** examples × candidates, known once the dataset is loaded */
  total: number;
  /** Example × candidate pairs scored so far */
  done: number;
  webhook_url: string | null;
  /** Why the run failed (its dataset is missing or invalid, ...) */
  error: string | null;
  /** Why a judge ran on the candidate's own provider, once per task and provider */
  judge_notes: string[];
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** One example × candidate: what the runner scored, as stored (the `result` JSON is the API's entry). */
export interface EvalResultRow {
  run_id: string;
  example_id: string;
  candidate: string;
  /** The example's place in the dataset, so results read back in dataset order */
  position: number;
  job_id: string | null;
  model_revision: string | null;
  score: number;
  result: Record<string, unknown>;
}

export interface NewEvalRun {
  id: string;
  tenant: string;
  task: string;
  trigger: EvalRunTrigger;
  candidates: string[];
  examples_limit: number | null;
  webhook_url?: string | null;
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const d = value as { toISOString?: () => string };
  return typeof d.toISOString === 'function'
    ? d.toISOString()
    : new Date(String(value)).toISOString();
}

function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toRun(r: Record<string, unknown>): EvalRunRow {
  return {
    id: String(r.id),
    tenant: String(r.tenant),
    task: String(r.task),
    status: r.status as EvalRunStatus,
    trigger: r.trigger as EvalRunTrigger,
    candidates: json<string[]>(r.candidates, []),
    examples_limit: r.examples_limit === null ? null : Number(r.examples_limit),
    total: Number(r.total),
    done: Number(r.done ?? 0),
    webhook_url: (r.webhook_url as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    judge_notes: json<string[]>(r.judge_notes, []),
    created_at: iso(r.created_at) as string,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
  };
}

/**
 * Evaluation runs and their per-example results, in the ledger database next to the calls their
 * jobs made, so scores compare across revisions and over time.
 */
export class EvalStore {
  private readonly t: ReturnType<typeof ledgerTables>;

  constructor(
    private readonly client: SqlClient,
    schema?: string,
  ) {
    this.t = ledgerTables(schema);
  }

  private runColumns(): string {
    return `r.*, (SELECT count(*)::int FROM ${this.t.evalResults} x WHERE x.run_id = r.id) AS done`;
  }

  async createRun(run: NewEvalRun): Promise<EvalRunRow> {
    const { rows } = await this.client.query(
      `INSERT INTO ${this.t.evalRuns} (id, tenant, task, status, trigger, candidates, examples_limit, webhook_url)
        VALUES ($1, $2, $3, 'queued', $4, $5::jsonb, $6::integer, $7)
        RETURNING *, 0 AS done`,
      [
        run.id,
        run.tenant,
        run.task,
        run.trigger,
        JSON.stringify(run.candidates),
        run.examples_limit,
        run.webhook_url ?? null,
      ],
    );
    return toRun(rows[0]);
  }

  /** A run by id; `tenant` scopes it (a scheduled run is visible to every tenant). */
  async getRun(id: string, tenant?: string): Promise<EvalRunRow | null> {
    const { rows } = await this.client.query(
      `SELECT ${this.runColumns()} FROM ${this.t.evalRuns} r
        WHERE r.id = $1 AND ($2::text IS NULL OR r.tenant = $2 OR r.trigger = 'schedule')`,
      [id, tenant ?? null],
    );
    return rows[0] ? toRun(rows[0]) : null;
  }

  /** Newest first. */
  async listRuns(query: {
    tenant?: string;
    task?: string;
    status?: EvalRunStatus;
    trigger?: EvalRunTrigger;
    limit?: number;
  }): Promise<EvalRunRow[]> {
    const { rows } = await this.client.query(
      `SELECT ${this.runColumns()} FROM ${this.t.evalRuns} r
        WHERE ($1::text IS NULL OR r.tenant = $1 OR r.trigger = 'schedule')
          AND ($2::text IS NULL OR r.task = $2)
          AND ($3::text IS NULL OR r.status = $3)
          AND ($4::text IS NULL OR r.trigger = $4)
        ORDER BY r.created_at DESC, r.id DESC
        LIMIT $5::integer`,
      [
        query.tenant ?? null,
        query.task ?? null,
        query.status ?? null,
        query.trigger ?? null,
        Math.min(Math.max(query.limit ?? 20, 1), 500),
      ],
    );
    return rows.map(toRun);
  }

  async markRunning(id: string, total: number): Promise<void> {
    await this.client.query(
      `UPDATE ${this.t.evalRuns} SET status = 'running', total = $2::integer,
          started_at = coalesce(started_at, now())
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, total],
    );
  }

  async finish(id: string, status: 'succeeded' | 'failed', error?: string): Promise<void> {
    await this.client.query(
      `UPDATE ${this.t.evalRuns} SET status = $2, error = $3, finished_at = now() WHERE id = $1`,
      [id, status, error ?? null],
    );
  }

  async addJudgeNote(id: string, note: string): Promise<void> {
    await this.client.query(
      `UPDATE ${this.t.evalRuns}
        SET judge_notes = coalesce(judge_notes, '[]'::jsonb) || jsonb_build_array($2::text)
        WHERE id = $1 AND NOT coalesce(judge_notes, '[]'::jsonb) @> jsonb_build_array($2::text)`,
      [id, note],
    );
  }

  /** Replaces an earlier result of the same example × candidate (a run resumed after a crash). */
  async saveResult(row: EvalResultRow): Promise<void> {
    await this.client.query(
      `INSERT INTO ${this.t.evalResults}
          (run_id, example_id, candidate, position, job_id, model_revision, score, result)
        VALUES ($1, $2, $3, $4::integer, $5, $6, $7::double precision, $8::jsonb)
        ON CONFLICT (run_id, candidate, example_id) DO UPDATE SET
          job_id = EXCLUDED.job_id, model_revision = EXCLUDED.model_revision,
          score = EXCLUDED.score, result = EXCLUDED.result, position = EXCLUDED.position`,
      [
        row.run_id,
        row.example_id,
        row.candidate,
        row.position,
        row.job_id,
        row.model_revision,
        row.score,
        JSON.stringify(row.result),
      ],
    );
  }

  /** In the order candidates were asked for, then dataset order. */
  async results(runId: string): Promise<EvalResultRow[]> {
    const { rows } = await this.client.query(
      `SELECT res.* FROM ${this.t.evalResults} res
        JOIN ${this.t.evalRuns} r ON r.id = res.run_id
        WHERE res.run_id = $1
        ORDER BY (SELECT min(ord) FROM jsonb_array_elements_text(r.candidates) WITH ORDINALITY AS c(v, ord)
                  WHERE c.v = res.candidate), res.position, res.example_id`,
      [runId],
    );
    return rows.map((r) => ({
      run_id: String(r.run_id),
      example_id: String(r.example_id),
      candidate: String(r.candidate),
      position: Number(r.position),
      job_id: (r.job_id as string | null) ?? null,
      model_revision: (r.model_revision as string | null) ?? null,
      score: Number(r.score),
      result: json<Record<string, unknown>>(r.result, {}),
    }));
  }

  /**
   * Claims a finished run's regression check: true for exactly one caller across every process,
   * which is what makes `eval.regressed` fire once.
   */
  async claimRegressionCheck(id: string): Promise<boolean> {
    const { rows } = await this.client.query(
      `UPDATE ${this.t.evalRuns} SET regression_checked_at = now()
        WHERE id = $1 AND regression_checked_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  /** Finished scheduled runs whose regression check has not been claimed yet, oldest first. */
  async uncheckedScheduledRuns(): Promise<EvalRunRow[]> {
    const { rows } = await this.client.query(
      `SELECT ${this.runColumns()} FROM ${this.t.evalRuns} r
        WHERE r.trigger = 'schedule' AND r.status IN ('succeeded', 'failed')
          AND r.regression_checked_at IS NULL
        ORDER BY r.created_at LIMIT 20`,
    );
    return rows.map(toRun);
  }

  /** The latest scheduled run of a task created before `before`, any status. */
  async previousScheduledRun(task: string, before: string): Promise<EvalRunRow | null> {
    const { rows } = await this.client.query(
      `SELECT ${this.runColumns()} FROM ${this.t.evalRuns} r
        WHERE r.trigger = 'schedule' AND r.task = $1 AND r.status = 'succeeded'
          AND r.created_at < $2::timestamptz
        ORDER BY r.created_at DESC LIMIT 1`,
      [task, before],
    );
    return rows[0] ? toRun(rows[0]) : null;
  }
}
