import type { ChatMessage, ResponseFormat, ToolDefinition } from '@switchyard/providers';
import { candidateVerdict } from '../policy/candidate-gate';
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
    const maxTokens = maxTokensFor(model, task, input.max_tokens);
    const candidate: PlannedCandidate = {
      ...ref,
      max_tokens: maxTokens,
      estimated_cost_usd: estimateCostUsd(model, inputTokens, maxTokens),
    };
    const verdict = candidateVerdict(candidate, {
      tenant: input.tenant,
      route: input.route,
      fit: {
        model,
        required,
        inputTokens,
        messages: input.messages,
        providerKind: input.providers?.[ref.provider]?.kind,
      },
      remainingMs: input.remaining_ms,
      remainingCostUsd: input.remaining_cost_usd,
      task: task.name,
      dailyBudget: input.daily_budget,
      tenantDailyBudget: input.tenant_daily_budget,
      isCircuitOpen: input.isCircuitOpen,
      providerWaitMs: input.providerWaitMs,
    });
    if (!verdict.ok) {
      skipped.push({ ...ref, reason: verdict.reason, detail: verdict.detail });
      continue;
    }
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

function refOf(id: string, model: ModelConfig | undefined): CandidateRef {
  if (model) return { provider: model.provider, model: model.model, id };
  const parts = splitModelId(id);
  return { provider: parts?.provider ?? '', model: parts?.model ?? id, id };
}
