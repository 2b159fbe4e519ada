import {
  IMAGE_TYPES_BY_KIND,
  imageTypesIn,
  type ChatMessage,
  type ResponseFormat,
  type ToolDefinition,
} from '@switchyard/providers';
import { dailyBudgetVerdict, unspentUsd } from '../budgets/daily-budget-gate';
import { formatUsd } from '../format-usd';
import { providerPolicyProblem } from '../tenants/tenant-policy';
import { DEFAULT_ESTIMATE_MAX_TOKENS } from '../routing-defaults';
import type { Capability, ModelConfig, TaskConfig } from '../routing-table.types';
import { splitModelId } from '../validation/names';
import { estimateCostUsd, estimateInputTokens, maxTokensFor } from './cost-estimation';
import type {
  CandidateRef,
  Plan,
  PlanInput,
  PlannedCandidate,
  SkippedCandidate,
} from './plan.types';

/**
 * Decides which of a task's models a job may use, in what order. Pure: everything it needs
 * (circuit state, observed latency, budget left) comes in through the input.
 *
 * Skipped, in this order of checks: models of a provider the tenant may not use, models of a provider the matched rule excludes, models lacking a required capability, models whose context
 * window the input does not fit, models whose provider's API does not take the type of an image
 * in the input (HEIC on Anthropic), models whose estimated cost exceeds what is left of the job's
 * ceiling, models today's remaining task budget cannot pay (reservations of calls in flight do not
 * count: they settle within seconds), models whose circuit is open, and models whose provider a
 * 429 paused for longer than the job can wait. Slow models (p95 over the time left) are not skipped
 * but tried after those expected to finish in time: a late answer beats none.
 */
export function planJob(input: PlanInput): Plan {
  const { task } = input;
  const inputTokens = estimateInputTokens(input.messages);
  const required = requiredCapabilities(task, input.messages, input.response_format, input.tools);
  const onTime: PlannedCandidate[] = [];
  const late: PlannedCandidate[] = [];
  const skipped: SkippedCandidate[] = [];

  for (const id of [task.primary, ...task.fallbacks]) {
    const model = input.models[id];
    const ref = refOf(id, model);
    if (!model) {
      skipped.push({
        ...ref,
        reason: 'unknown_model',
        detail: `${id} is not in the routing table`,
      });
      continue;
    }
    const skip = skipReason(model, ref, input, required, inputTokens);
    if (skip) {
      skipped.push(skip);
      continue;
    }
    const maxTokens = maxTokensFor(model, task, input.max_tokens);
    const candidate: PlannedCandidate = {
      ...ref,
      max_tokens: maxTokens,
      estimated_cost_usd: estimateCostUsd(model, inputTokens, maxTokens),
    };
    const p95 = input.p95LatencyMs?.(id);
    if (p95 !== undefined) candidate.p95_latency_ms = p95;
    if (p95 !== undefined && input.remaining_ms !== undefined && p95 > input.remaining_ms) {
      candidate.reason =
        `recent p95 latency ${Math.round(p95)} ms exceeds the ${Math.max(0, Math.round(input.remaining_ms))} ms ` +
        'left before the deadline; tried after the candidates expected to finish in time';
      late.push(candidate);
    } else {
      onTime.push(candidate);
    }
  }
  const candidates = [...onTime, ...late];
  return {
    task: task.name,
    rule: input.route?.rule ?? null,
    split: input.route?.split ?? null,
    estimated_input_tokens: inputTokens,
    max_tokens:
      input.max_tokens ??
      task.max_tokens ??
      candidates[0]?.max_tokens ??
      DEFAULT_ESTIMATE_MAX_TOKENS,
    required_capabilities: required,
    candidates,
    skipped,
  };
}

export function requiredCapabilities(
  task: Pick<TaskConfig, 'requires'>,
  messages: readonly ChatMessage[],
  responseFormat?: ResponseFormat,
  tools?: readonly ToolDefinition[],
): Capability[] {
  const required = new Set<Capability>(task.requires);
  const hasImage = messages.some(
    (message) =>
      typeof message.content !== 'string' && message.content.some((part) => part.type === 'image'),
  );
  if (hasImage) required.add('vision');
  if (responseFormat?.type === 'json_schema') required.add('json_schema');
  // A conversation that carries tool calls needs a model that reads them, even with no tools left.
  const carriesTools = messages.some((m) => m.role === 'tool' || (m.tool_calls?.length ?? 0) > 0);
  if ((tools?.length ?? 0) > 0 || carriesTools) required.add('tools');
  return [...required];
}

function skipReason(
  model: ModelConfig,
  ref: CandidateRef,
  input: PlanInput,
  required: readonly Capability[],
  inputTokens: number,
): SkippedCandidate | undefined {
  const notAllowed = providerPolicyProblem(input.tenant, ref.provider);
  if (notAllowed) return { ...ref, reason: 'provider_not_allowed', detail: notAllowed };
  if (input.route?.exclude_providers.includes(ref.provider)) {
    return {
      ...ref,
      reason: 'excluded_provider',
      detail: `rule ${JSON.stringify(input.route.rule)} excludes provider ${ref.provider}`,
    };
  }
  const missing = required.filter((capability) => !model.capabilities.includes(capability));
  if (missing.length > 0) {
    return {
      ...ref,
      reason: 'missing_capability',
      detail: `${ref.id} lacks ${missing.join(', ')}`,
    };
  }
  if (inputTokens > model.context_window) {
    return {
      ...ref,
      reason: 'context_window',
      detail: `about ${inputTokens} input tokens exceed the ${model.context_window}-token context window of ${ref.id}`,
    };
  }
  const imageSkip = imageTypeSkip(ref, input);
  if (imageSkip) return imageSkip;
  const cost = estimateCostUsd(
    model,
    inputTokens,
    maxTokensFor(model, input.task, input.max_tokens),
  );
  if (input.remaining_cost_usd !== undefined && cost > input.remaining_cost_usd) {
    return {
      ...ref,
      reason: 'over_budget',
      detail: `estimated $${formatUsd(cost)} exceeds the $${formatUsd(Math.max(0, input.remaining_cost_usd))} left of the job's budget`,
    };
  }
  if (input.daily_budget && dailyBudgetVerdict(cost, input.daily_budget) === 'exhausted') {
    return {
      ...ref,
      reason: 'budget_exhausted',
      detail: `estimated $${formatUsd(cost)} exceeds the $${formatUsd(unspentUsd(input.daily_budget))} left of today's budget of task ${input.task.name}`,
    };
  }
  const tenantDay = input.tenant_daily_budget;
  if (tenantDay && dailyBudgetVerdict(cost, tenantDay) === 'exhausted') {
    return {
      ...ref,
      reason: 'budget_exhausted',
      detail: `estimated $${formatUsd(cost)} exceeds the $${formatUsd(unspentUsd(tenantDay))} left of today's budget of tenant ${input.tenant?.name ?? ''}`,
    };
  }
  if (input.isCircuitOpen?.(ref)) {
    return { ...ref, reason: 'circuit_open', detail: `the circuit for ${ref.id} is open` };
  }
  const waitMs = input.providerWaitMs?.(ref.provider) ?? 0;
  if (waitMs > 0 && input.remaining_ms !== undefined && waitMs >= input.remaining_ms) {
    return {
      ...ref,
      reason: 'rate_limited',
      detail: `${ref.provider} takes no new call for about ${Math.ceil(waitMs / 1000)} s (a 429's pause, or the backlog of its requests_per_minute), longer than the ${Math.max(0, Math.round(input.remaining_ms))} ms the job can wait`,
    };
  }
  return undefined;
}

/** An image type the candidate's API refuses (HEIC on Anthropic) would fail there as a bad request. */
function imageTypeSkip(ref: CandidateRef, input: PlanInput): SkippedCandidate | undefined {
  const kind = input.providers?.[ref.provider]?.kind;
  if (!kind) return undefined;
  const imageTypes = imageTypesIn(input.messages);
  if (imageTypes.length === 0) return undefined;
  const accepted = IMAGE_TYPES_BY_KIND[kind];
  const refused = imageTypes.filter((type) => !accepted.includes(type));
  if (refused.length === 0) return undefined;
  return {
    ...ref,
    reason: 'unsupported_image_type',
    detail: `${ref.id} does not take ${refused.join(', ')} images (it takes ${accepted.join(', ')})`,
  };
}

function refOf(id: string, model: ModelConfig | undefined): CandidateRef {
  if (model) return { provider: model.provider, model: model.model, id };
  const parts = splitModelId(id);
  return { provider: parts?.provider ?? '', model: parts?.model ?? id, id };
}
