import type { ProviderKind } from '@switchyard/providers';
import type { Capability } from './capabilities';
import type { RoutingRule } from './rules/rule.types';
import type { SplitArm } from './splits/split.types';

export { CAPABILITIES, type Capability } from './capabilities';

/**
 * The routing table as the rest of the system sees it once loaded and validated.
 * Keys match the YAML file exactly (snake_case) because they are the public contract.
 */

export interface RateLimitConfig {
  requests_per_minute?: number;
}

export interface ProviderConfig {
  name: string;
  kind: ProviderKind;
  /** Absent means the provider's public API. */
  base_url?: string;
  /** Name of the environment variable holding the key; the key itself never enters the table. */
  api_key_env?: string;
  concurrency: number;
  rate_limit?: RateLimitConfig;
  timeout_ms: number;
  /** From the request to the first content or tool-call delta of the streamed answer. */
  first_token_timeout_ms: number;
  /** The longest gap between two deltas of the streamed answer. */
  stream_idle_timeout_ms: number;
}

export interface ModelPrice {
  /** USD per million input tokens */
  input_per_mtok: number;
  /** USD per million output tokens */
  output_per_mtok: number;
  /** USD per million input tokens read from the prompt cache; absent = the input price */
  cached_input_per_mtok?: number;
  /** USD per million input tokens written to the prompt cache; absent = the input price */
  cache_write_per_mtok?: number;
}

export interface ModelConfig {
  /** "provider/model", the key in the table */
  id: string;
  provider: string;
  /** The provider's own model name */
  model: string;
  context_window: number;
  max_output_tokens: number;
  capabilities: Capability[];
  price: ModelPrice;
}

export interface TaskBudget {
  /** Per job, across all its attempts */
  max_cost_usd?: number;
  /** Deadline from submission */
  latency_ms?: number;
  /** Per task per UTC day */
  daily_usd?: number;
  /** Fraction of daily_usd at which budget.alert fires; default 0.8 */
  alert_at: number;
}

export interface RetryConfig {
  /** Attempts on the same provider before moving on (1 = no retry) */
  attempts: number;
  backoff_ms: number;
}

export interface LedgerPolicy {
  store_prompts: boolean;
  store_responses: boolean;
  /** Truncate stored prompt/response text to this many characters; absent = no truncation */
  max_chars?: number;
}

export interface TaskConfig {
  name: string;
  /** With a split, the first arm (so code that needs one model id has one) */
  primary: string;
  /** A weighted `primary`: each job's primary is drawn among these (see applySplit) */
  split?: SplitArm[];
  fallbacks: string[];
  requires: Capability[];
  budget: TaskBudget;
  on_invalid_output: 'fallback' | 'fail';
  retry: RetryConfig;
  /** Default max_tokens for jobs of this task that do not set one */
  max_tokens?: number;
  ledger: LedgerPolicy;
  /** Tried in order for each job; the first whose `when` holds changes the job's route */
  rules?: RoutingRule[];
  /** Response cache (opt-in): successful answers are reused for identical requests */
  cache?: TaskCacheConfig;
  /** Scheduled evaluation runs and their regression thresholds (`evals:`) */
  evals?: TaskEvalConfig;
}

/** A task's `evals:` key: scheduled golden-set runs, and when a candidate's score regressed. */
export interface TaskEvalConfig {
  /** `every 6h` (s, m, h or d) or a 5-field cron expression (UTC); absent: no scheduled runs */
  schedule?: string;
  /** The first N examples of the dataset; absent: all */
  examples?: number;
  /** A candidate scoring below this regressed */
  min_score?: number;
  /** A candidate whose score fell by more than this since the previous run regressed */
  max_drop?: number;
}

export interface TaskCacheConfig {
  /** How long a stored answer is served, in seconds */
  ttl_s: number;
}

/** A tenant's limits (`tenants:` in the routes file); a tenant not listed has none. */
export interface TenantConfig {
  name: string;
  /** The tenant's spend per UTC day, all tasks together */
  daily_usd?: number;
  /** Fraction of daily_usd whose settled crossing fires the tenant's budget.alert; default 0.8 */
  alert_at?: number;
  /** Job submissions per minute, across every ingress replica */
  requests_per_minute?: number;
  /** Only these providers may serve the tenant's jobs; absent = all */
  allowed_providers?: string[];
  /** These providers never serve the tenant's jobs */
  denied_providers?: string[];
}

export interface RoutingTable {
  providers: Record<string, ProviderConfig>;
  models: Record<string, ModelConfig>;
  tasks: Record<string, TaskConfig>;
  /** Per-tenant limits, by tenant name (the names of SWITCHYARD_API_KEYS) */
  tenants: Record<string, TenantConfig>;
  /** Where it was loaded from, for /v1/routes and logs */
  source: string;
}

export const ON_INVALID_OUTPUT_ACTIONS = ['fallback', 'fail'] as const;
export type OnInvalidOutput = (typeof ON_INVALID_OUTPUT_ACTIONS)[number];

/** One problem found in a routes file: where (a YAML key path such as `tasks.chat.fallbacks[0]`) and what. */
export interface RoutingIssue {
  path: string;
  message: string;
}

/** A successfully loaded table plus the problems that did not stop it from loading. */
export interface LoadedRoutingTable {
  table: RoutingTable;
  warnings: RoutingIssue[];
}
