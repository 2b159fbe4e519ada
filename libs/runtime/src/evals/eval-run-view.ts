import {
  pickBest,
  summarizeCandidate,
  type BestCandidates,
  type CandidateOutput,
  type CandidateSummary,
  type CheckResult,
  type ExampleScore,
  type ScoredExample,
} from '@switchyard/evals';
import type { EvalResultRow, EvalRunRow } from '@switchyard/ledger';

/** One example × candidate as GET /v1/evals/:id lists it (and as it is stored). */
export interface EvalExampleView {
  id: string;
  candidate: string;
  model_revision: string | null;
  score: number;
  checks: Array<Pick<CheckResult, 'type' | 'score' | 'detail'> & { weight?: number }>;
  /** Why the candidate failed (its error type), null when it answered */
  error: { type: string; message: string } | null;
  job_id: string | null;
  passed: boolean;
  refused: boolean;
  json_adherent?: boolean;
  latency_ms: number;
  cost_usd: number;
}

export interface EvalRunSummaryView {
  id: string;
  task: string;
  status: EvalRunRow['status'];
  trigger: EvalRunRow['trigger'];
  progress: { done: number; total: number };
  candidates: CandidateSummary[];
  best: BestCandidates;
  /** Why a judge graded on the candidate's own provider, and similar remarks */
  notes: string[];
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface EvalRunView extends EvalRunSummaryView {
  examples: EvalExampleView[];
}

/**
 * What is stored per example × candidate: the score and checks, and of the answer only what the
 * summary needs (latency, cost, revision, error), never its text: the task's ledger policy decides
 * whether answers are kept, and the ledger row of the job holds it when it says so.
 */
export function storedResult(
  exampleId: string,
  candidate: string,
  jobId: string | null,
  score: ExampleScore,
  output: CandidateOutput,
): Record<string, unknown> {
  const view: EvalExampleView = {
    id: exampleId,
    candidate,
    model_revision: output.modelRevision ?? null,
    score: score.score,
    checks: score.checks.map((c) => ({
      type: c.type,
      score: c.score,
      detail: c.detail,
      ...(c.weight !== 1 && { weight: c.weight }),
    })),
    error:
      output.errorType === undefined
        ? null
        : { type: output.errorType, message: output.errorMessage ?? output.errorType },
    job_id: jobId,
    passed: score.passed,
    refused: score.refused,
    ...(score.json_adherent !== undefined && { json_adherent: score.json_adherent }),
    latency_ms: Math.round(output.latencyMs),
    cost_usd: output.costUsd,
  };
  return { ...view };
}

function toExampleView(row: EvalResultRow): EvalExampleView {
  return row.result as unknown as EvalExampleView;
}

function toScored(view: EvalExampleView): ScoredExample {
  return {
    example_id: view.id,
    score: view.score,
    checks: view.checks.map((c) => ({ ...c, weight: c.weight ?? 1 })),
    passed: view.passed,
    refused: view.refused,
    ...(view.json_adherent !== undefined && { json_adherent: view.json_adherent }),
    output: {
      text: '',
      latencyMs: view.latency_ms,
      costUsd: view.cost_usd,
      ...(view.model_revision !== null && { modelRevision: view.model_revision }),
      ...(view.error && { errorType: view.error.type, errorMessage: view.error.message }),
    },
  };
}

export function candidateSummaries(
  run: Pick<EvalRunRow, 'candidates'>,
  results: readonly EvalResultRow[],
): CandidateSummary[] {
  return run.candidates.map((candidate) =>
    summarizeCandidate(
      candidate,
      results.filter((r) => r.candidate === candidate).map((r) => toScored(toExampleView(r))),
    ),
  );
}

export function evalRunSummary(
  run: EvalRunRow,
  results: readonly EvalResultRow[],
): EvalRunSummaryView {
  const candidates = candidateSummaries(run, results);
  return {
    id: run.id,
    task: run.task,
    status: run.status,
    trigger: run.trigger,
    progress: { done: run.done, total: run.total },
    candidates,
    best: pickBest(candidates.filter((c) => c.examples > 0)),
    notes: run.judge_notes,
    error: run.error,
    created_at: run.created_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
  };
}

export function evalRunView(run: EvalRunRow, results: readonly EvalResultRow[]): EvalRunView {
  return { ...evalRunSummary(run, results), examples: results.map(toExampleView) };
}
