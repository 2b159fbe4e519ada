import type { ChatMessage } from '@switchyard/providers';
import type { LedgerPolicy } from '@switchyard/routing';

/** One provider call, success or failure, as the worker reports it. */
export interface CallRecord {
  job_id: string;
  tenant: string;
  task: string;
  /** 1-based attempt number of the job */
  attempt: number;
  /** Provider name from the routing table (openai, groq, ...) */
  provider: string;
  /** The requested model, in the provider's own naming */
  model: string;
  /** The model string the provider says served the call; usually absent on failures */
  model_revision?: string | null;
  system_fingerprint?: string | null;
  provider_request_id?: string | null;
  /** Stored only when the policy says so */
  prompt?: readonly ChatMessage[] | null;
  /** The model's output text (the JSON text for json_schema responses); stored only when the policy says so */
  response?: string | null;
  /** A ProviderErrorType, or another short code; null on success */
  error_type?: string | null;
  error_message?: string | null;
  latency_ms: number;
  /** From the request to the first streamed delta; null when none arrived */
  ttft_ms?: number | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  /** The token counts are estimates (a call cut before the provider reported its usage) */
  usage_estimated?: boolean | null;
  cost_usd?: number | null;
  /** null when no schema was checked */
  schema_valid?: boolean | null;
  /** Why this attempt ran on a fallback (e.g. the previous candidate's error type) */
  fallback_reason?: string | null;
  trace_id?: string | null;
  /** The routing-table rule that matched the job, if any */
  rule?: string | null;
  /** The split arm the job's primary was drawn from (`gemini-2.5-flash@10`), if any */
  split?: string | null;
  started_at: Date | string;
  finished_at: Date | string;
  /**
   * The attempt's identity, `<job_id>:h<hop>:t<try>`: the ledger stores one row per key, so a row
   * delivered twice (the outbox after a crash) is one row. Absent: never deduplicated.
   */
  call_key?: string | null;
  /**
   * The job was answered from the response cache: no provider call was made, and provider, model
   * and model_revision are those of the call that produced the cached answer (cost 0).
   */
  cached?: boolean;
  /** The task's ledger policy; absent means neither prompt nor response is stored */
  policy?: LedgerPolicy;
  /** The evaluation run whose job made the call; such calls stay out of production aggregates */
  eval_run_id?: string | null;
}

/** A stored call as the API returns it. */
export interface CallRow {
  id: string;
  job_id: string;
  tenant: string;
  task: string;
  attempt: number;
  provider: string;
  model: string;
  model_revision: string | null;
  system_fingerprint: string | null;
  provider_request_id: string | null;
  /** The messages array, or a string when it was truncated (and so no longer valid JSON) */
  prompt: unknown;
  response: string | null;
  error_type: string | null;
  error_message: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  usage_estimated: boolean | null;
  cost_usd: number | null;
  schema_valid: boolean | null;
  fallback_reason: string | null;
  trace_id: string | null;
  rule: string | null;
  split: string | null;
  started_at: string;
  finished_at: string;
  created_at: string;
  eval_run_id: string | null;
  /** Answered from the response cache (no provider call) */
  cached: boolean;
}

export interface ListCallsQuery {
  tenant: string;
  job_id?: string;
  task?: string;
  provider?: string;
  model_revision?: string;
  /** Calls created at or after this instant */
  since?: Date | string;
  /** Default 50, at most 500 */
  limit?: number;
  /** next_cursor of the previous page */
  cursor?: string;
}

export interface ListCallsResult {
  calls: CallRow[];
  /** null on the last page */
  next_cursor: string | null;
}

export const STATS_GROUP_BY = ['model_revision', 'provider', 'model', 'split'] as const;
export type StatsGroupBy = (typeof STATS_GROUP_BY)[number];

export interface StatsQuery {
  tenant: string;
  task?: string;
  since?: Date | string;
  group_by: StatsGroupBy;
}

export interface StatsGroup {
  /** model_revision (null = calls with no revision reported, mostly failures), provider, provider/model, or split arm (null = jobs of no split) */
  group: string | null;
  calls: number;
  /** Share of calls without an error */
  success_rate: number;
  error_types: Record<string, number>;
  /** Invalid outputs among calls whose output was schema-checked; null when none was */
  invalid_output_rate: number | null;
  latency_ms: { p50: number; p95: number };
  /** Time to first token over the calls that streamed one; null when none did */
  ttft_ms: { p50: number; p95: number } | null;
  /** Mean over calls with a known cost; 0 when none */
  mean_cost_usd: number;
  tokens: { input: number; output: number };
}
