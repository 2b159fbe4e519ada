import { createHash } from 'node:crypto';
import type { AttemptRecord, JobRecord } from '@switchyard/jobs';
import type { CandidateOutput, EvalExample } from '@switchyard/evals';
import { taskChain, type ModelConfig, type TaskConfig } from '@switchyard/routing';

/** What POST /v1/evals accepts as `candidates`. */
export type CandidatesSpec = 'all' | 'primary' | string[];

export type CandidatesVerdict =
  | { ok: true; candidates: string[] }
  | { ok: false; details: Array<{ field: string; problem: string }> };

/**
 * The candidates a run scores: `all` is the task's chain (primary or split arms, then fallbacks), `primary` its
 * primary, a list any models of the routing table in force (a model outside the chain can be
 * scored before a table change promotes it), each once, in the order given.
 */
export function resolveCandidates(
  task: TaskConfig,
  models: Readonly<Record<string, ModelConfig>>,
  spec: CandidatesSpec = 'all',
): CandidatesVerdict {
  if (spec === 'all') return { ok: true, candidates: taskChain(task) };
  if (spec === 'primary') return { ok: true, candidates: [task.primary] };
  const details: Array<{ field: string; problem: string }> = [];
  const seen = new Set<string>();
  spec.forEach((id, i) => {
    if (seen.has(id)) details.push({ field: `candidates[${i}]`, problem: `${id} is listed twice` });
    else if (!models[id])
      details.push({
        field: `candidates[${i}]`,
        problem: `${id} is not a model of the routing table in force`,
      });
    seen.add(id);
  });
  return details.length ? { ok: false, details } : { ok: true, candidates: spec };
}

export interface EvalItem {
  example: EvalExample;
  /** The example's place in the dataset */
  position: number;
  candidate: string;
}

/**
 * Every example × candidate, example by example, so that a run limited in concurrency keeps every
 * candidate busy at the same pace (and the same provider load) rather than one after the other.
 */
export function planEvalItems(
  examples: readonly EvalExample[],
  candidates: readonly string[],
): EvalItem[] {
  return examples.flatMap((example, position) =>
    candidates.map((candidate) => ({ example, position, candidate })),
  );
}

/**
 * The Idempotency-Key of an item's job: a run resumed after its process died submits the same
 * key, so it gets the job already running (or finished) instead of paying for a second one.
 */
export function evalJobKey(
  runId: string,
  candidate: string,
  exampleId: string,
  suffix = '',
): string {
  const digest = createHash('sha256')
    .update(`${candidate}\u0000${exampleId}\u0000${suffix}`)
    .digest('hex')
    .slice(0, 40);
  return `eval:${runId}:${digest}`;
}

export function providerOf(candidate: string): string {
  return candidate.slice(0, candidate.indexOf('/'));
}

export type JudgeChoice = { ok: true; pin: string; note?: string } | { ok: false; problem: string };

/**
 * Where a judge check's grading job runs: the first model of the judge task's chain on a provider
 * other than the graded candidate's (a model grading its own provider's answers is biased towards
 * them); when the chain has none, its primary, with a note saying why.
 */
export function pickJudge(
  judgeTaskName: string,
  judgeTask: TaskConfig | undefined,
  candidate: string,
): JudgeChoice {
  if (!judgeTask) {
    return { ok: false, problem: `judge task "${judgeTaskName}" is not in the routing table` };
  }
  const provider = providerOf(candidate);
  const chain = [judgeTask.primary, ...judgeTask.fallbacks];
  const elsewhere = chain.find((id) => providerOf(id) !== provider);
  if (elsewhere) return { ok: true, pin: elsewhere };
  return {
    ok: true,
    pin: judgeTask.primary,
    note: `judge task "${judgeTaskName}" has no model on a provider other than ${provider}, so ${judgeTask.primary} graded ${candidate}`,
  };
}

/** A finished job (or none: it was refused or did not end in time) as the scorer sees it. */
export function candidateOutputOf(
  job: JobRecord | null,
  attempts: readonly AttemptRecord[],
  failure?: { type: string; message: string },
): CandidateOutput {
  const revision = [...attempts].reverse().find((a) => a.model_revision)?.model_revision;
  const spentMs = attempts.reduce((sum, a) => sum + (a.latency_ms ?? 0), 0);
  if (failure || !job) {
    return {
      text: '',
      latencyMs: spentMs,
      costUsd: job?.cost_usd ?? 0,
      ...(revision !== undefined && { modelRevision: revision }),
      errorType: failure?.type ?? 'timeout',
      errorMessage: failure?.message ?? 'the job did not end in time',
    };
  }
  if (job.status === 'succeeded' && job.result) {
    const r = job.result;
    return {
      text: r.text,
      ...(r.json !== undefined && { json: r.json }),
      ...(r.tool_calls && {
        toolCalls: r.tool_calls.map((c) => ({ name: c.name, arguments: c.arguments })),
      }),
      finishReason: r.finish_reason,
      latencyMs: r.latency_ms,
      costUsd: job.cost_usd,
      modelRevision: r.model_revision,
    };
  }
  return {
    text: '',
    latencyMs: spentMs,
    costUsd: job.cost_usd,
    ...(revision !== undefined && { modelRevision: revision }),
    errorType: job.error?.type ?? job.status,
    errorMessage: job.error?.message ?? `the job ended ${job.status}`,
  };
}
