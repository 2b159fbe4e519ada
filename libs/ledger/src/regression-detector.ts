import { compareRevisions } from './compare-revisions';
import { ledgerTables, type LedgerTables } from './ledger-tables';
import {
  DEFAULT_REGRESSION_THRESHOLDS,
  type RegressionFinding,
  type RegressionThresholds,
  type RevisionStats,
} from './regression.types';
import type { SqlClient } from './sql-client';

export interface RegressionDetectorOptions {
  schema?: string;
  thresholds?: Partial<RegressionThresholds>;
  /** For tests */
  now?: () => Date;
}

interface RevisionRow {
  task: string;
  provider: string;
  model: string;
  revision: string;
  recency: number;
  calls: number;
  errors: number;
  checked: number;
  invalid: number;
  successes: number;
  p95: number | null;
}

/**
 * Per (task, provider, model): the two most recently *first seen* revisions in the window and their
 * aggregates. Failed calls rarely carry a revision, so a call without one is attributed to the
 * revision that was newest when it started (its "epoch"); without that, a revision that fails
 * outright would look spotless.
 */
function revisionStatsSql(t: LedgerTables): string {
  return `
    WITH w AS (
      SELECT task, provider, model, model_revision, error_type, schema_valid, latency_ms, started_at
      FROM ${t.calls}
      -- Eval runs pin jobs and replay fixed examples: not the traffic a baseline describes.
      -- Answers from the response cache made no call: they say nothing about the revision.
      WHERE started_at >= $1::timestamptz AND eval_run_id IS NULL AND cached IS NOT TRUE
    ),
    firsts AS (
      SELECT task, provider, model, model_revision AS revision, min(started_at) AS first_seen
      FROM w WHERE model_revision IS NOT NULL
      GROUP BY task, provider, model, model_revision
    ),
    epochs AS (
      SELECT task, provider, model, revision, first_seen,
        lead(first_seen) OVER (PARTITION BY task, provider, model ORDER BY first_seen, revision) AS next_seen,
        row_number() OVER (PARTITION BY task, provider, model ORDER BY first_seen DESC, revision DESC) AS recency
      FROM firsts
    ),
    attributed AS (
      SELECT w.*, coalesce(w.model_revision, e.revision) AS revision
      FROM w
      LEFT JOIN epochs e
        ON w.model_revision IS NULL
        AND e.task = w.task AND e.provider = w.provider AND e.model = w.model
        AND w.started_at >= e.first_seen
        AND (e.next_seen IS NULL OR w.started_at < e.next_seen)
    )
    SELECT a.task, a.provider, a.model, a.revision, e.recency::int AS recency,
      count(*)::int AS calls,
      count(*) FILTER (WHERE a.error_type IS NOT NULL AND a.error_type <> 'invalid_output')::int AS errors,
      count(*) FILTER (WHERE a.schema_valid IS NOT NULL OR a.error_type = 'invalid_output')::int AS checked,
      count(*) FILTER (WHERE a.schema_valid = false OR a.error_type = 'invalid_output')::int AS invalid,
      count(*) FILTER (WHERE a.error_type IS NULL)::int AS successes,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY a.latency_ms) FILTER (WHERE a.error_type IS NULL) AS p95
    FROM attributed a
    JOIN epochs e
      ON e.task = a.task AND e.provider = a.provider AND e.model = a.model AND e.revision = a.revision
    WHERE e.recency <= 2
    GROUP BY a.task, a.provider, a.model, a.revision, e.recency`;
}

interface ClaimRow {
  task: string;
  model: string;
  new_revision: string;
  metric: RegressionFinding['metric'];
  previous_revision: string;
  previous_value: number;
  current_value: number;
  calls_previous: number;
  calls_current: number;
}

/** Announces one finding (log, metric, alert webhook); throws when it could not. */
export type RegressionPublish = (finding: RegressionFinding) => Promise<void>;

function toFinding(r: ClaimRow): RegressionFinding {
  return {
    task: r.task,
    model: r.model,
    previous_revision: r.previous_revision,
    new_revision: r.new_revision,
    metric: r.metric,
    previous: Number(r.previous_value),
    current: Number(r.current_value),
    calls_previous: Number(r.calls_previous),
    calls_current: Number(r.calls_current),
  };
}

function toStats(r: RevisionRow): RevisionStats {
  return {
    revision: r.revision,
    calls: Number(r.calls),
    errors: Number(r.errors),
    checked: Number(r.checked),
    invalid: Number(r.invalid),
    successes: Number(r.successes),
    p95_latency_ms: r.p95 === null ? null : Number(r.p95),
  };
}

/**
 * Compares each model's newest revision with the one before it and reports metrics that got worse.
 * Each (task, model, new revision, metric) is reported once across all processes and restarts: a
 * finding is claimed by an INSERT into switchyard_regressions and returned by the check that
 * published it; a claim whose publish failed stays unpublished and is published by a later check.
 */
export class RegressionDetector {
  private readonly t: LedgerTables;
  readonly thresholds: RegressionThresholds;
  private readonly now: () => Date;

  constructor(
    private readonly client: SqlClient,
    options: RegressionDetectorOptions = {},
  ) {
    this.t = ledgerTables(options.schema);
    this.thresholds = { ...DEFAULT_REGRESSION_THRESHOLDS, ...options.thresholds };
    this.now = options.now ?? (() => new Date());
  }

  /**
   * New findings only; an empty array when nothing (new) regressed. `thresholds` overrides the
   * detector's own for this check (e.g. operator knobs read by the caller).
   */
  async check(
    options: {
      since?: Date;
      thresholds?: Partial<RegressionThresholds>;
      publish?: RegressionPublish;
    } = {},
  ): Promise<RegressionFinding[]> {
    const thresholds = { ...this.thresholds, ...options.thresholds };
    const since = options.since ?? new Date(this.now().getTime() - thresholds.window_ms);
    const { rows } = await this.client.query<RevisionRow>(revisionStatsSql(this.t), [
      since.toISOString(),
    ]);

    const byModel = new Map<
      string,
      { task: string; model: string; newest?: RevisionRow; previous?: RevisionRow }
    >();
    for (const row of rows) {
      const key = JSON.stringify([row.task, row.provider, row.model]);
      const entry = byModel.get(key) ?? { task: row.task, model: `${row.provider}/${row.model}` };
      if (Number(row.recency) === 1) entry.newest = row;
      else entry.previous = row;
      byModel.set(key, entry);
    }

    const candidates: RegressionFinding[] = [];
    for (const { task, model, newest, previous } of byModel.values()) {
      if (!newest || !previous) continue;
      const prev = toStats(previous);
      const cur = toStats(newest);
      for (const r of compareRevisions(prev, cur, thresholds)) {
        candidates.push({
          task,
          model,
          previous_revision: prev.revision,
          new_revision: cur.revision,
          metric: r.metric,
          previous: r.previous,
          current: r.current,
          calls_previous: prev.calls,
          calls_current: cur.calls,
        });
      }
    }

    for (const f of candidates) await this.claim(f);
    return this.publishUnpublished(options.publish);
  }

  /**
   * Every claimed finding not yet published, this check's and earlier ones' (an alert whose queueing
   * failed), through `publish`; a finding counts as published only once `publish` resolved, so a
   * failed publish is retried by the next check. Two processes may both publish a finding in the
   * same instant, so `publish` must be idempotent per finding (the alert's deterministic id is).
   */
  private async publishUnpublished(
    publish: RegressionPublish | undefined,
  ): Promise<RegressionFinding[]> {
    const { rows } = await this.client.query<ClaimRow>(
      `SELECT task, model, new_revision, metric, previous_revision, previous_value, current_value,
         calls_previous, calls_current
       FROM ${this.t.regressions}
       WHERE published_at IS NULL
       ORDER BY detected_at, task, model, new_revision, metric`,
    );
    const published: RegressionFinding[] = [];
    for (const row of rows) {
      const f = toFinding(row);
      try {
        await publish?.(f);
      } catch {
        continue; // stays unpublished; `publish` reports its own failure
      }
      await this.client.query(
        `UPDATE ${this.t.regressions} SET published_at = now()
         WHERE task = $1 AND model = $2 AND new_revision = $3 AND metric = $4`,
        [f.task, f.model, f.new_revision, f.metric],
      );
      published.push(f);
    }
    return published;
  }

  /** Records the finding once across processes (the primary key); unpublished until `publish` succeeds. */
  private async claim(f: RegressionFinding): Promise<void> {
    await this.client.query(
      `INSERT INTO ${this.t.regressions}
        (task, model, new_revision, metric, previous_revision, previous_value, current_value,
         calls_previous, calls_current)
       VALUES ($1, $2, $3, $4, $5, $6::double precision, $7::double precision, $8::int, $9::int)
       ON CONFLICT (task, model, new_revision, metric) DO NOTHING`,
      [
        f.task,
        f.model,
        f.new_revision,
        f.metric,
        f.previous_revision,
        f.previous,
        f.current,
        f.calls_previous,
        f.calls_current,
      ],
    );
  }
}
