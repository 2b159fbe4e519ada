import type { ChatMessage, ResponseFormat, ToolDefinition } from '@switchyard/providers';
import type { DailyBudgetState } from '../budgets/daily-budget-gate';
import type { SkipReason } from '../policy/candidate-gate';
import type { JobRoute } from '../rules/route-job';
import type { ModelConfig, ProviderConfig, TaskConfig, TenantConfig } from '../routing-table.types';

export interface CandidateRef {
  provider: string;
  /** The provider's own model name */
  model: string;
  /** "provider/model" */
  id: string;
}

export interface PlanInput {
  task: TaskConfig;
  /** The table's models (RoutingTable.models) */
  models: Readonly<Record<string, ModelConfig>>;
  /** The table's providers (RoutingTable.providers): their kind says which image types they take; absent = not checked */
  providers?: Readonly<Record<string, Pick<ProviderConfig, 'kind'>>>;
  messages: readonly ChatMessage[];
  response_format?: ResponseFormat;
  /** The functions the job offers the model (needs the `tools` capability) */
  tools?: readonly ToolDefinition[];
  /** The job's max_tokens, if it set one */
  max_tokens?: number;
  /** USD left of the job's cost ceiling (after earlier attempts); absent = no ceiling */
  remaining_cost_usd?: number;
  /** The task's day so far for the job's tenant, when it has a daily budget; absent = none */
  daily_budget?: DailyBudgetState;
  /** The job's tenant (its allowed_providers / denied_providers); absent = no policy */
  tenant?: TenantConfig;
  /** The tenant's day so far over all tasks, when it has a daily_usd; absent = none */
  tenant_daily_budget?: DailyBudgetState;
  /** Milliseconds left before the job's deadline; absent = no deadline */
  remaining_ms?: number;
  /** True when that circuit (a provider, or a "provider/model") is open; absent = all closed */
  isCircuitOpen?: (circuitKey: string) => boolean;
  /**
   * Milliseconds until the provider would start a new job (a 429 paused it, or its
   * requests_per_minute limiter has a backlog); absent or 0 = now.
   * A provider paused for longer than the job can wait (remaining_ms) is skipped.
   */
  providerWaitMs?: (provider: string) => number | undefined;
  /** Recently observed p95 latency of a model id, if known */
  p95LatencyMs?: (modelId: string) => number | undefined;
  /**
   * How routeJob routed the job (`task` is then its effective task): the rule and split are
   * recorded in the plan, and the rule's excluded providers are skipped. Absent = no rule, no split.
   */
  route?: Pick<JobRoute, 'rule' | 'split' | 'exclude_providers'>;
}

export interface PlannedCandidate extends CandidateRef {
  /** What to send as max_tokens to this candidate */
  max_tokens: number;
  estimated_cost_usd: number;
  p95_latency_ms?: number;
  /** Why the candidate sits where it does, when it is not simply its place in the chain */
  reason?: string;
}

export interface SkippedCandidate extends CandidateRef {
  reason: SkipReason;
  detail: string;
}

export interface Plan {
  task: string;
  /** The rule of the task that matched this job, or null */
  rule: string | null;
  /** The split arm drawn for the primary (`gemini-2.5-flash@10`), or null */
  split: string | null;
  estimated_input_tokens: number;
  /**
   * The job's max_tokens, else the task's, else the first candidate's default (its output cap
   * bounded at 4096). Each candidate also carries the value that applies to it.
   */
  max_tokens: number;
  /** Capabilities every candidate had to have (task requires plus what the input needs) */
  required_capabilities: string[];
  /** In the order to try them */
  candidates: PlannedCandidate[];
  skipped: SkippedCandidate[];
}
