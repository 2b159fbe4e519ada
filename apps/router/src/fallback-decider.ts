import { ERROR_POLICY, PROVIDER_ERROR_TYPES, type ProviderErrorType } from '@switchyard/providers';
import type { JobRecord } from '@switchyard/jobs';
import type { AttemptError } from '@switchyard/redis';
import type { CircuitSnapshot } from '@switchyard/circuit-breaker';
import {
  dailyBudgetVerdict,
  providerPolicyProblem,
  tenantConfig,
  type DailyBudgetState,
  type RoutingTable,
  type TaskConfig,
} from '@switchyard/routing';

/** Error types raised by Switchyard itself (not by a provider) and whether they may fall back. */
const ROUTER_ERROR_FALLBACK: Record<string, boolean> = {
  circuit_open: true,
  over_budget: true,
  route_removed: true,
  deadline_exceeded: false,
  // Today's budget could not pay that candidate; a cheaper one may still fit.
  budget_exhausted: true,
  // The tenant may not use that provider (the table changed since planning); another may do.
  provider_not_allowed: true,
};

export type FallbackDecision =
  | { kind: 'next'; candidate: number; skipped: Array<{ id: string; reason: string }> }
  | { kind: 'fail'; reason: string; skipped: Array<{ id: string; reason: string }> };

export function errorAllowsFallback(error: AttemptError, task: TaskConfig | undefined): boolean {
  if ((PROVIDER_ERROR_TYPES as readonly string[]).includes(error.type)) {
    if (error.type === 'invalid_output' && task?.on_invalid_output === 'fail') return false;
    return ERROR_POLICY[error.type as ProviderErrorType].fallback;
  }
  return ROUTER_ERROR_FALLBACK[error.type] ?? false;
}

/**
 * What happens after a hop failed for good: the next candidate of the plan that is still worth
 * trying (a provider the tenant may use, circuit not open, provider not paused by a 429 past the deadline, affordable with what is left of the job's budget and of the task's
 * budget today, reservations of calls in flight aside), or failure.
 * Pure, so the rules are tested without queues.
 */
export function decideFallback(input: {
  job: JobRecord;
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
  const { job, table, error, afterCandidate, circuits, now, dailyBudget, tenantDailyBudget } =
    input;
  const tenant = tenantConfig(table, job.tenant);
  const pausedUntil = input.pausedUntil ?? {};
  const task = table.tasks[job.task];
  const skipped: Array<{ id: string; reason: string }> = [];
  // An eval measures one candidate: an answer from another would score the wrong model.
  if (job.pin !== undefined) {
    return { kind: 'fail', reason: `pinned to ${job.pin}: a pinned job never falls back`, skipped };
  }
  if (!errorAllowsFallback(error, task)) {
    return { kind: 'fail', reason: `${error.type} does not fall back`, skipped };
  }
  if (now >= job.deadline_at) return { kind: 'fail', reason: 'the job deadline passed', skipped };
  const remainingBudget =
    job.max_cost_usd === undefined ? Infinity : job.max_cost_usd - job.cost_usd;
  for (let i = afterCandidate + 1; i < job.plan.candidates.length; i++) {
    const candidate = job.plan.candidates[i];
    const id = `${candidate.provider}/${candidate.model}`;
    if (!table.models[id] || !table.providers[candidate.provider]) {
      skipped.push({ id, reason: 'removed from the routing table' });
      continue;
    }
    // The tenant's allowed_providers / denied_providers as they are now, not as at planning.
    if (providerPolicyProblem(tenant, candidate.provider)) {
      skipped.push({ id, reason: 'provider_not_allowed' });
      continue;
    }
    if (circuits[candidate.provider]?.state === 'open' || circuits[id]?.state === 'open') {
      skipped.push({ id, reason: 'circuit_open' });
      continue;
    }
    // Paused past the deadline: the hop would only wait in the paused queue and expire there.
    if ((pausedUntil[candidate.provider] ?? 0) >= job.deadline_at) {
      skipped.push({ id, reason: 'rate_limited' });
      continue;
    }
    if (candidate.estimated_cost_usd > remainingBudget) {
      skipped.push({ id, reason: 'over_budget' });
      continue;
    }
    if (
      dailyBudget &&
      dailyBudgetVerdict(candidate.estimated_cost_usd, dailyBudget) === 'exhausted'
    ) {
      skipped.push({ id, reason: 'budget_exhausted' });
      continue;
    }
    if (
      tenantDailyBudget &&
      dailyBudgetVerdict(candidate.estimated_cost_usd, tenantDailyBudget) === 'exhausted'
    ) {
      skipped.push({ id, reason: 'budget_exhausted' });
      continue;
    }
    return { kind: 'next', candidate: i, skipped };
  }
  return { kind: 'fail', reason: 'no candidate left in the plan', skipped };
}
