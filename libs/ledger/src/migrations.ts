import type { LedgerTables } from './ledger-tables';

export interface Migration {
  version: number;
  name: string;
  /** Single statements, run in order inside the migration transaction. */
  statements: (t: LedgerTables) => string[];
}

/**
 * Append-only: a released migration is never edited, a change is a new version. Plain SQL that
 * both PostgreSQL and PGlite run unchanged.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create switchyard_calls',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.calls} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id text NOT NULL,
        tenant text NOT NULL,
        task text NOT NULL,
        attempt integer NOT NULL,
        provider text NOT NULL,
        model text NOT NULL,
        model_revision text,
        system_fingerprint text,
        provider_request_id text,
        prompt text,
        response text,
        error_type text,
        error_message text,
        latency_ms integer NOT NULL,
        input_tokens integer,
        output_tokens integer,
        cost_usd double precision,
        schema_valid boolean,
        fallback_reason text,
        trace_id text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      // listCalls: a tenant's newest calls first, cursor on (created_at, id).
      `CREATE INDEX IF NOT EXISTS switchyard_calls_tenant_created_idx
        ON ${t.calls} (tenant, created_at DESC, id DESC)`,
      `CREATE INDEX IF NOT EXISTS switchyard_calls_job_idx ON ${t.calls} (job_id)`,
      // Regression watch scans recent calls per task and model by start time.
      `CREATE INDEX IF NOT EXISTS switchyard_calls_task_model_started_idx
        ON ${t.calls} (task, provider, model, started_at)`,
    ],
  },
  {
    version: 2,
    name: 'create switchyard_regressions',
    statements: (t) => [
      // The primary key is the "reported once" guarantee shared by every process.
      `CREATE TABLE IF NOT EXISTS ${t.regressions} (
        task text NOT NULL,
        model text NOT NULL,
        new_revision text NOT NULL,
        metric text NOT NULL,
        previous_revision text NOT NULL,
        previous_value double precision NOT NULL,
        current_value double precision NOT NULL,
        calls_previous integer NOT NULL,
        calls_current integer NOT NULL,
        detected_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (task, model, new_revision, metric)
      )`,
    ],
  },
  {
    version: 3,
    name: 'streamed calls: time to first token, estimated usage',
    statements: (t) => [
      `ALTER TABLE ${t.calls} ADD COLUMN IF NOT EXISTS ttft_ms integer`,
      // true: the call was cut before the provider reported its usage, so the counts are estimates.
      `ALTER TABLE ${t.calls} ADD COLUMN IF NOT EXISTS usage_estimated boolean`,
    ],
  },
  {
    version: 4,
    name: 'regressions: published_at, so a claimed finding whose alert failed is sent later',
    statements: (t) => [
      `ALTER TABLE ${t.regressions} ADD COLUMN IF NOT EXISTS published_at timestamptz`,
      // Rows from before this column were announced (or lost) already; never re-send them.
      `UPDATE ${t.regressions} SET published_at = detected_at WHERE published_at IS NULL`,
    ],
  },
  {
    version: 5,
    name: 'calls: call_key, so a row drained twice from the outbox is stored once',
    statements: (t) => [
      // job_id:h<hop>:t<try>, one per attempt; null for rows written without one (older rows).
      `ALTER TABLE ${t.calls} ADD COLUMN IF NOT EXISTS call_key text`,
      // Unique, not partial: INSERT … ON CONFLICT (call_key) needs it; NULLs never conflict.
      `CREATE UNIQUE INDEX IF NOT EXISTS switchyard_calls_call_key_idx ON ${t.calls} (call_key)`,
    ],
  },
  {
    version: 6,
    name: 'calls: the routing-table rule that matched and the split arm drawn',
    statements: (t) => [
      `ALTER TABLE ${t.calls} ADD COLUMN IF NOT EXISTS rule text`,
      // e.g. 'gemini-2.5-flash@10'; GET /v1/stats?group_by=split compares the arms.
      `ALTER TABLE ${t.calls} ADD COLUMN IF NOT EXISTS split text`,
    ],
  },
  {
    version: 7,
    name: 'calls: cached, for the rows of jobs answered from the response cache',
    statements: (t) => [
      // true: no provider call; the row keeps the original call's provider and model revision.
      `ALTER TABLE ${t.calls} ADD COLUMN IF NOT EXISTS cached boolean NOT NULL DEFAULT false`,
    ],
  },
  {
    version: 8,
    name: 'evaluations: runs, per-example results, eval_run_id on calls',
    statements: (t) => [
      // Calls made by an eval run: kept out of production stats, reports and regression baselines.
      `ALTER TABLE ${t.calls} ADD COLUMN IF NOT EXISTS eval_run_id text`,
      `CREATE INDEX IF NOT EXISTS switchyard_calls_eval_run_idx
        ON ${t.calls} (eval_run_id) WHERE eval_run_id IS NOT NULL`,
      `CREATE TABLE IF NOT EXISTS ${t.evalRuns} (
        id text PRIMARY KEY,
        tenant text NOT NULL,
        task text NOT NULL,
        status text NOT NULL,
        trigger text NOT NULL,
        candidates jsonb NOT NULL,
        examples_limit integer,
        total integer NOT NULL DEFAULT 0,
        webhook_url text,
        error text,
        judge_notes jsonb,
        regression_checked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`,
      // GET /v1/evals?task=: a tenant's newest runs first; scheduled runs by task.
      `CREATE INDEX IF NOT EXISTS switchyard_eval_runs_tenant_task_idx
        ON ${t.evalRuns} (tenant, task, created_at DESC)`,
      // The primary key makes a re-run of an example after a crash replace, never duplicate.
      `CREATE TABLE IF NOT EXISTS ${t.evalResults} (
        run_id text NOT NULL,
        example_id text NOT NULL,
        candidate text NOT NULL,
        position integer NOT NULL,
        job_id text,
        model_revision text,
        score double precision NOT NULL,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, candidate, example_id)
      )`,
    ],
  },
];
