import { isCircuitOpen, type CircuitSnapshot } from '@switchyard/circuit-breaker';
import type { FallbackJobSnapshot } from '@switchyard/jobs';
import type { AttemptError } from '@switchyard/redis';
import {
  candidateVerdict,
  errorFallsBack,
  modelId,
  tenantConfig,
  type DailyBudgetState,
  type RoutingTable,
} from '@switchyard/routing';

export type FallbackDecision =
  | { kind: 'next'; candidate: number; skipped: Array<{ id: string; reason: string }> }
  | { kind: 'fail'; reason: string; skipped: Array<{ id: string; reason: string }> };

/**
 * What happens after a hop failed for good: the next candidate of the plan that the candidate
 * gate still lets through (against the table in force, the circuits, the pauses and both
 * budgets as they are now), or failure. Pure, so the rules are tested without queues.
 */
export function decideFallback(input: {
  /** The job's routing fields: the record as read, or the snapshot the hand-off carried */
  job: FallbackJobSnapshot;
  table: RoutingTable;
  error: AttemptError;
  afterCandidate: number;
  circuits: Record<string, CircuitSnapshot>;
  now: number;
  /** The task's day so far for the job's tenant, when it has a daily budget */
  dailyBudget?: DailyBudgetState;
  /** The tenant's day so far over all tasks, when it has a daily_usd */
  tenantDailyBudget?: DailyBudgetState;
  /** provider -> paused until (ms), after a 429 asked to wait; absent = none paused */
  pausedUntil?: Record<string, number>;
}): FallbackDecision {
  const { job, table, error, afterCandidate, circuits, now } = input;
  const pausedUntil = input.pausedUntil ?? {};
  const skipped: Array<{ id: string; reason: string }> = [];
  // An eval measures one candidate: an answer from another would score the wrong model.
  if (job.pin !== undefined) {
    return { kind: 'fail', reason: `pinned to ${job.pin}: a pinned job never falls back`, skipped };
  }
  if (!errorFallsBack(error, table.tasks[job.task])) {
    return { kind: 'fail', reason: `${error.type} does not fall back`, skipped };
  }
  if (now >= job.deadline_at) return { kind: 'fail', reason: 'the job deadline passed', skipped };
  const context = {
    table,
    // The tenant's allowed_providers / denied_providers as they are now, not as at planning.
    tenant: tenantConfig(table, job.tenant),
    remainingMs: job.deadline_at - now,
    remainingCostUsd: job.max_cost_usd === undefined ? undefined : job.max_cost_usd - job.cost_usd,
    task: job.task,
    dailyBudget: input.dailyBudget,
    tenantDailyBudget: input.tenantDailyBudget,
    // A snapshot shared between decisions may have outlived its cooldown: then it is not open.
    isCircuitOpen: (key: string) => isCircuitOpen(circuits[key], now),
    // Paused past the deadline: the hop would only wait in the paused queue and expire there.
    providerWaitMs: (provider: string) => (pausedUntil[provider] ?? now) - now,
  };
  for (let i = afterCandidate + 1; i < job.plan.candidates.length; i++) {
    const candidate = job.plan.candidates[i];
    const verdict = candidateVerdict(candidate, context);
    if (verdict.ok) return { kind: 'next', candidate: i, skipped };
    skipped.push({ id: modelId(candidate), reason: verdict.reason });
  }
  return { kind: 'fail', reason: 'no candidate left in the plan', skipped };
}
