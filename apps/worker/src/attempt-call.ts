import type { JobRecord } from '@switchyard/jobs';
import type { CompletionDelta, CompletionRequest } from '@switchyard/providers';
import type { AttemptJobData } from '@switchyard/redis';
import type { ModelConfig, ProviderConfig, TaskConfig } from '@switchyard/routing';
import type { GenAiSpanInfo } from '@switchyard/telemetry';
import { callKey } from './attempt-records';

/** The provider request of one attempt. Pure. */
export function completionRequest(call: {
  data: AttemptJobData;
  job: JobRecord;
  model: ModelConfig;
  provider: ProviderConfig;
  tryNumber: number;
  remainingMs: number;
  onDelta: (delta: CompletionDelta) => void;
  signal: AbortSignal;
}): CompletionRequest {
  const { data, job, model, provider } = call;
  return {
    model: model.model,
    messages: job.request.messages,
    response_format: job.request.response_format,
    tools: job.request.tools,
    tool_choice: job.request.tool_choice,
    // Gemini's tool calls get ids from this: stable across a re-read, distinct per attempt.
    call_key: callKey(job.id, data.hop, call.tryNumber),
    max_tokens: job.plan.candidates[data.candidate]?.max_tokens ?? job.plan.max_tokens,
    temperature: job.request.temperature,
    timeout_ms: Math.max(1, Math.min(provider.timeout_ms, call.remainingMs)),
    first_token_timeout_ms: provider.first_token_timeout_ms,
    stream_idle_timeout_ms: provider.stream_idle_timeout_ms,
    onDelta: call.onDelta,
    signal: call.signal,
  };
}

/** What the call's gen_ai span records of it. */
export function callSpanInfo(call: {
  data: AttemptJobData;
  job: JobRecord;
  task: TaskConfig;
  model: ModelConfig;
  provider: ProviderConfig;
  request: CompletionRequest;
}): GenAiSpanInfo {
  const { data, job, request } = call;
  return {
    provider: call.provider.name,
    kind: call.provider.kind,
    request_model: call.model.model,
    max_tokens: request.max_tokens,
    temperature: request.temperature,
    output_type: request.response_format?.type === 'json_schema' ? 'json' : 'text',
    task: call.task.name,
    job_id: job.id,
    hop: data.hop,
    fallback_reason: data.fallback_reason,
    rule: job.plan.rule ?? undefined,
    split: job.plan.split ?? undefined,
    messages: request.messages,
  };
}
