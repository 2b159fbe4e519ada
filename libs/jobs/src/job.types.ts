import type {
  ChatMessage,
  FinishReason,
  ResponseFormat,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '@switchyard/providers';
import type { TraceCarrier } from '@switchyard/redis';
import type { Plan, PlannedCandidate, SkippedCandidate } from '@switchyard/routing';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface JobBudgetRequest {
  max_cost_usd?: number;
  deadline_ms?: number;
}

/** The caller's request as accepted by the ingress, kept verbatim for every attempt. */
export interface JobRequest {
  messages: ChatMessage[];
  response_format?: ResponseFormat;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  max_tokens?: number;
  temperature?: number;
  webhook_url?: string;
  metadata?: Record<string, unknown>;
  budget?: JobBudgetRequest;
}

/**
 * The plan a job runs with: the planner's own `Plan`, stored as planned. Declared here are the
 * members the job's steps read; records written before rules lack `rule` and `split`.
 */
export interface JobPlan
  extends
    Pick<Plan, 'estimated_input_tokens' | 'max_tokens'>,
    Partial<Pick<Plan, 'rule' | 'split'>> {
  candidates: Array<
    Pick<PlannedCandidate, 'provider' | 'model' | 'estimated_cost_usd' | 'max_tokens'>
  >;
  skipped: Array<Pick<SkippedCandidate, 'provider' | 'model' | 'reason' | 'detail'>>;
}

export interface JobError {
  type: string;
  message: string;
}

export interface JobResult {
  text: string;
  json?: unknown;
  /** The calls the model made instead of a final answer (finish_reason `tool_calls`). */
  tool_calls?: ToolCall[];
  provider: string;
  model: string;
  model_revision: string;
  finish_reason: FinishReason;
  usage: TokenUsage;
  cost_usd: number;
  latency_ms: number;
  /** The provider's backend fingerprint (OpenAI's system_fingerprint), when it gave one */
  system_fingerprint?: string;
  /** Served from the response cache: no provider call, no cost */
  cached?: true;
  /** With cached: the job whose provider call produced this answer */
  cache_hit_of?: string;
}

export type AttemptStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface AttemptRecord {
  hop: number;
  /** 0-based try on the same provider (retries within the task's retry settings) */
  try: number;
  provider: string;
  model: string;
  model_revision?: string;
  status: AttemptStatus;
  error?: JobError;
  latency_ms?: number;
  cost_usd?: number;
  /** The provider reported no usage: cost_usd rests on estimated token counts. */
  usage_estimated?: true;
  started_at: string;
}

export interface JobRecord {
  id: string;
  tenant: string;
  task: string;
  status: JobStatus;
  request: JobRequest;
  plan: JobPlan;
  /** Epoch ms after which no new attempt starts */
  deadline_at: number;
  /** The job's own ceiling across all attempts (the tighter of task and job budget) */
  max_cost_usd?: number;
  /** Spent so far across attempts */
  cost_usd: number;
  /** The hop currently allowed to run; older hops that wake up (stalled re-runs) stand down */
  current_hop: number;
  result?: JobResult;
  error?: JobError;
  trace_id?: string;
  trace?: TraceCarrier;
  created_at: string;
  updated_at: string;
  started_at?: string;
  finished_at?: string;
  /** The response-cache entry a successful answer is stored under (absent: not cached) */
  cache_key?: string;
  /** The job whose cached answer this job was served (it made no provider call) */
  cache_hit_of?: string;
  /** The step that made the job terminal (see JobStep) */
  finalized_by?: string;
  /** `provider/model` the job was pinned to (`pin`): its only candidate; it never falls back. */
  pin?: string;
  /** The evaluation run that submitted the job; its ledger rows carry it and stay out of production stats. */
  eval_run_id?: string;
}
