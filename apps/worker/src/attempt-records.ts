import type { AttemptRecord, JobError, JobRecord, JobResult } from '@switchyard/jobs';
import type { CallRecord } from '@switchyard/ledger';
import type { CompletionResult, ProviderError } from '@switchyard/providers';
import type { AttemptJobData } from '@switchyard/redis';
import type { ModelConfig, ProviderConfig, TaskConfig } from '@switchyard/routing';

/** Who made the attempt: the fields every record of it carries, whatever its outcome. */
export interface AttemptOrigin {
  hop: number;
  tryNumber: number;
  provider: string;
  /** The provider's own model name */
  model: string;
  startedAt: Date;
}

export function runningAttempt(origin: AttemptOrigin): AttemptRecord {
  return { ...base(origin), status: 'running' };
}

export function succeededAttempt(
  origin: AttemptOrigin,
  outcome: { modelRevision: string; latencyMs: number; costUsd: number; usageEstimated?: boolean },
): AttemptRecord {
  return {
    ...base(origin),
    model_revision: outcome.modelRevision,
    status: 'succeeded',
    latency_ms: Math.round(outcome.latencyMs),
    cost_usd: outcome.costUsd,
    ...(outcome.usageEstimated ? { usage_estimated: true as const } : {}),
  };
}

/** A failed call; `cost_usd` only when the provider billed something (a cut or invalid answer). */
export function failedAttempt(
  origin: AttemptOrigin,
  outcome: { error: JobError; latencyMs: number; costUsd: number },
): AttemptRecord {
  return {
    ...base(origin),
    status: 'failed',
    error: { type: outcome.error.type, message: outcome.error.message },
    latency_ms: Math.round(outcome.latencyMs),
    ...(outcome.costUsd > 0 ? { cost_usd: outcome.costUsd } : {}),
  };
}

function base(origin: AttemptOrigin): Omit<AttemptRecord, 'status'> {
  return {
    hop: origin.hop,
    try: origin.tryNumber,
    provider: origin.provider,
    model: origin.model,
    started_at: origin.startedAt.toISOString(),
  };
}

/**
 * The attempt's identity, `<job_id>:h<hop>:t<try>`: the provider call's key (Gemini's tool call
 * ids derive from it) and the ledger row's, so a row drained twice is stored once.
 */
export function callKey(jobId: string, hop: number, tryNumber: number): string {
  return `${jobId}:h${hop}:t${tryNumber}`;
}

/** A call's outcome as the records see it: the answer, or the error (with any billed partial). */
export type CallOutcome =
  { result: CompletionResult; cost: number } | { error: ProviderError; cost: number };

/** The job's result from a successful call. */
export function jobResultOf(
  provider: ProviderConfig,
  model: ModelConfig,
  result: CompletionResult,
  cost: number,
  latencyMs: number,
): JobResult {
  return {
    text: result.text,
    json: result.json,
    tool_calls: result.tool_calls,
    provider: provider.name,
    model: model.model,
    model_revision: result.model_revision,
    finish_reason: result.finish_reason,
    usage: result.usage,
    cost_usd: cost,
    latency_ms: Math.round(latencyMs),
    ...(result.system_fingerprint && { system_fingerprint: result.system_fingerprint }),
  };
}

/** The ledger's row of one call, success or failure. */
export function callRecord(
  call: {
    data: AttemptJobData;
    job: JobRecord;
    task: TaskConfig;
    provider: ProviderConfig;
    model: ModelConfig;
    tryNumber: number;
    startedAt: Date;
    finishedAt: Date;
    latencyMs: number;
    /** From the call's start to its first delta; absent when none arrived */
    ttftMs?: number;
    traceId?: string;
  },
  outcome: CallOutcome,
): CallRecord {
  const { job, data, task } = call;
  const ok = 'result' in outcome;
  const usage = ok ? outcome.result.usage : outcome.error.partial?.usage;
  const asksForJson = job.request.response_format?.type === 'json_schema';
  return {
    job_id: job.id,
    call_key: callKey(job.id, data.hop, call.tryNumber),
    tenant: job.tenant,
    task: task.name,
    attempt: data.hop + 1,
    provider: call.provider.name,
    model: call.model.model,
    model_revision: ok ? outcome.result.model_revision : null,
    system_fingerprint: ok ? (outcome.result.system_fingerprint ?? null) : null,
    provider_request_id: ok
      ? (outcome.result.request_id ?? null)
      : (outcome.error.requestId ?? null),
    prompt: job.request.messages,
    // A call cut mid-stream keeps what it had streamed: never the answer, but what it cost.
    response: ok ? ledgerResponse(outcome.result) : (outcome.error.partial?.text ?? null),
    error_type: ok ? null : outcome.error.type,
    error_message: ok ? null : outcome.error.message,
    latency_ms: Math.round(call.latencyMs),
    ttft_ms: call.ttftMs === undefined ? null : Math.round(call.ttftMs),
    usage_estimated: ok
      ? (outcome.result.usage_estimated ?? false)
      : (outcome.error.partial?.usage_estimated ?? null),
    input_tokens: usage?.input_tokens ?? null,
    output_tokens: usage?.output_tokens ?? null,
    cost_usd: outcome.cost,
    // Only an answer can be schema-checked: a call that failed otherwise (5xx, timeout) has none.
    schema_valid: !asksForJson
      ? null
      : ok
        ? true
        : outcome.error.type === 'invalid_output'
          ? false
          : null,
    fallback_reason: data.fallback_reason ?? null,
    trace_id: call.traceId ?? job.trace_id ?? null,
    rule: job.plan.rule ?? null,
    split: job.plan.split ?? null,
    started_at: call.startedAt,
    finished_at: call.finishedAt,
    policy: task.ledger,
    eval_run_id: job.eval_run_id ?? null,
  };
}

/** What the ledger keeps of an answer: its text, or the text and tool calls when it made some. */
function ledgerResponse(result: CompletionResult): string {
  return result.tool_calls
    ? JSON.stringify({ text: result.text, tool_calls: result.tool_calls })
    : result.text;
}
