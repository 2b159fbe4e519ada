import {
  IMAGE_TYPES_BY_KIND,
  imageTypesIn,
  type ChatMessage,
  type ProviderKind,
} from '@switchyard/providers';
import {
  dailyBudgetVerdict,
  unspentUsd,
  type DailyBudgetState,
} from '../budgets/daily-budget-gate';
import { formatUsd } from '../format-usd';
import type { JobRoute } from '../rules/route-job';
import type { Capability, ModelConfig, RoutingTable, TenantConfig } from '../routing-table.types';
import { providerPolicyProblem } from '../tenants/tenant-policy';
import { circuitKeysOf, modelId, type ModelRef } from './circuit-keys';

/**
 * Why a candidate is passed over, in the order the gate checks (the first that applies is the
 * one reported). `unknown_model` is the planner's own: a chain entry the table never had.
 */
export const SKIP_REASONS = [
  'unknown_model',
  'route_removed',
  'provider_not_allowed',
  'excluded_provider',
  'missing_capability',
  'context_window',
  'unsupported_image_type',
  'deadline_exceeded',
  'over_budget',
  'budget_exhausted',
  'circuit_open',
  'rate_limited',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type CandidateVerdict =
  { ok: true } | { ok: false; reason: Exclude<SkipReason, 'unknown_model'>; detail: string };

export interface GateCandidate extends ModelRef {
  estimated_cost_usd: number;
}

/**
 * What the gate knows of the job and of the world right now. Every field is optional: a check
 * runs where its input exists (the planner has the request, the worker its acquired circuits, the
 * router the table in force), and an absent input passes.
 */
export interface GateContext {
  /** The table in force: a candidate whose model or provider it no longer has is route_removed */
  table?: Pick<RoutingTable, 'models' | 'providers'>;
  /** The job's tenant (its allowed_providers / denied_providers) */
  tenant?: TenantConfig;
  /** The rule the job matched, whose excluded providers are skipped */
  route?: Pick<JobRoute, 'rule' | 'exclude_providers'>;
  /** What the job's input needs of the model (planning, where the request is at hand) */
  fit?: {
    model: ModelConfig;
    required: readonly Capability[];
    inputTokens: number;
    messages: readonly ChatMessage[];
    /** The provider's kind says which image types its API takes; absent = not checked */
    providerKind?: ProviderKind;
  };
  /** Milliseconds left before the job's deadline; absent = no deadline */
  remainingMs?: number;
  /** USD left of the job's cost ceiling (after earlier attempts); absent = no ceiling */
  remainingCostUsd?: number;
  /** The job's task, named in a daily-budget refusal */
  task?: string;
  /** The task's day so far for the job's tenant, when it has a daily budget */
  dailyBudget?: DailyBudgetState;
  /** The tenant's day so far over all tasks, when it has a daily_usd */
  tenantDailyBudget?: DailyBudgetState;
  /** True when that circuit (a provider, or a "provider/model") is open; absent = all closed */
  isCircuitOpen?: (circuitKey: string) => boolean;
  /**
   * Milliseconds until the provider would start a new call (a 429's pause, or the backlog of its
   * requests_per_minute); absent or 0 = now.
   */
  providerWaitMs?: (provider: string) => number | undefined;
}

const OK: CandidateVerdict = { ok: true };

/**
 * The one candidate gate: whether a candidate may still serve the job, or why not. Pure; used by
 * the planner for every candidate, by the worker before its call and by the router for every
 * candidate after a failed hop, each with the inputs it has.
 */
export function candidateVerdict(candidate: GateCandidate, ctx: GateContext): CandidateVerdict {
  const id = modelId(candidate);
  const { provider } = candidate;
  if (ctx.table && (!ctx.table.models[id] || !ctx.table.providers[provider])) {
    return skip('route_removed', `${id} is no longer in the routing table`);
  }
  const notAllowed = providerPolicyProblem(ctx.tenant, provider);
  if (notAllowed) return skip('provider_not_allowed', notAllowed);
  if (ctx.route?.exclude_providers.includes(provider)) {
    return skip(
      'excluded_provider',
      `rule ${JSON.stringify(ctx.route.rule)} excludes provider ${provider}`,
    );
  }
  if (ctx.fit) {
    const misfit = fitVerdict(id, ctx.fit);
    if (!misfit.ok) return misfit;
  }
  if (ctx.remainingMs !== undefined && ctx.remainingMs <= 0) {
    return skip('deadline_exceeded', 'the job deadline passed before this attempt');
  }
  const cost = candidate.estimated_cost_usd;
  if (ctx.remainingCostUsd !== undefined && cost > ctx.remainingCostUsd) {
    return skip(
      'over_budget',
      `estimated $${formatUsd(cost)} exceeds the $${formatUsd(Math.max(0, ctx.remainingCostUsd))} left of the job's budget`,
    );
  }
  if (ctx.dailyBudget) {
    const day = dailyBudgetSkip(cost, ctx.dailyBudget, `task ${ctx.task ?? ''}`);
    if (!day.ok) return day;
  }
  if (ctx.tenantDailyBudget) {
    const day = dailyBudgetSkip(cost, ctx.tenantDailyBudget, `tenant ${ctx.tenant?.name ?? ''}`);
    if (!day.ok) return day;
  }
  if (ctx.isCircuitOpen && circuitKeysOf(candidate).some(ctx.isCircuitOpen)) {
    return skip('circuit_open', `the circuit for ${id} is open`);
  }
  const waitMs = ctx.providerWaitMs?.(provider) ?? 0;
  if (waitMs > 0 && ctx.remainingMs !== undefined && waitMs >= ctx.remainingMs) {
    return skip(
      'rate_limited',
      `${provider} takes no new call for about ${Math.ceil(waitMs / 1000)} s (a 429's pause, or the backlog of its requests_per_minute), longer than the ${Math.max(0, Math.round(ctx.remainingMs))} ms the job can wait`,
    );
  }
  return OK;
}

/**
 * Whether what is left of today's budget (`whose`: "task x" or "tenant y") can pay the estimate;
 * also the worker's verdict when the spend store refuses its reservation.
 */
export function dailyBudgetSkip(
  estimateUsd: number,
  day: DailyBudgetState,
  whose: string,
): CandidateVerdict {
  if (dailyBudgetVerdict(estimateUsd, day) !== 'exhausted') return OK;
  return skip(
    'budget_exhausted',
    `estimated $${formatUsd(estimateUsd)} exceeds the $${formatUsd(unspentUsd(day))} left of today's budget of ${whose}`,
  );
}

function fitVerdict(id: string, fit: NonNullable<GateContext['fit']>): CandidateVerdict {
  const { model } = fit;
  const missing = fit.required.filter((capability) => !model.capabilities.includes(capability));
  if (missing.length > 0) return skip('missing_capability', `${id} lacks ${missing.join(', ')}`);
  if (fit.inputTokens > model.context_window) {
    return skip(
      'context_window',
      `about ${fit.inputTokens} input tokens exceed the ${model.context_window}-token context window of ${id}`,
    );
  }
  // An image type the candidate's API refuses (HEIC on Anthropic) would fail there as a bad request.
  if (!fit.providerKind) return OK;
  const imageTypes = imageTypesIn(fit.messages);
  const accepted = IMAGE_TYPES_BY_KIND[fit.providerKind];
  const refused = imageTypes.filter((type) => !accepted.includes(type));
  if (refused.length === 0) return OK;
  return skip(
    'unsupported_image_type',
    `${id} does not take ${refused.join(', ')} images (it takes ${accepted.join(', ')})`,
  );
}

function skip(
  reason: Exclude<SkipReason, 'unknown_model'>,
  detail: string,
): Extract<CandidateVerdict, { ok: false }> {
  return { ok: false, reason, detail };
}
