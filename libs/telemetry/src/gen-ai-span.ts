import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { traceContentEnabled } from '@switchyard/config';
import type { ChatMessage, CompletionResult, ProviderKind } from '@switchyard/providers';
import { genAiInputMessages, genAiOutputMessages } from './gen-ai-messages';
import { genAiProviderName } from './gen-ai-provider-name';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPENAI_RESPONSE_SYSTEM_FINGERPRINT,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
} from './gen-ai-semconv';
import {
  ATTR_SWITCHYARD_ATTEMPT,
  ATTR_SWITCHYARD_COST_USD,
  ATTR_SWITCHYARD_FALLBACK_REASON,
  ATTR_SWITCHYARD_JOB_ID,
  ATTR_SWITCHYARD_PROVIDER,
  ATTR_SWITCHYARD_RULE,
  ATTR_SWITCHYARD_SPLIT,
  ATTR_SWITCHYARD_TASK,
  attemptNumber,
} from './switchyard-attributes';
import { markSpanFailed, switchyardTracer } from './with-span';

export interface GenAiSpanInfo {
  /** Routing-table provider name */
  provider: string;
  kind?: ProviderKind;
  /** The provider's own model name */
  request_model: string;
  max_tokens?: number;
  temperature?: number;
  /** 'json' for json_schema responses, 'text' otherwise */
  output_type?: 'json' | 'text';
  task?: string;
  job_id?: string;
  /** The job's hop (0-based), recorded as switchyard.attempt */
  hop?: number;
  fallback_reason?: string;
  /** The routing-table rule that matched the job; absent when none did */
  rule?: string;
  /** The split arm the job's primary was drawn from (`gemini-2.5-flash@10`); absent without a split */
  split?: string;
  /** Recorded only when content capture is on */
  messages?: readonly ChatMessage[];
}

export interface GenAiSpanOptions {
  /** Record gen_ai.input.messages / gen_ai.output.messages; defaults to SWITCHYARD_TRACE_CONTENT=true */
  captureContent?: boolean;
}

/** Handed to the wrapped call, for what is only known inside it (the cost, once usage is in). */
export interface GenAiSpanScope {
  readonly span: Span;
  setCostUsd(usd: number): void;
}

/** The parts of a result the span reads; CompletionResult satisfies it. */
export type GenAiResultLike = Pick<
  CompletionResult,
  'model_revision' | 'usage' | 'finish_reason' | 'text'
> &
  Partial<Pick<CompletionResult, 'request_id' | 'system_fingerprint'>>;

function requestAttributes(info: GenAiSpanInfo): Attributes {
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_PROVIDER_NAME]: genAiProviderName(info.provider, info.kind),
    [ATTR_GEN_AI_REQUEST_MODEL]: info.request_model,
    [ATTR_SWITCHYARD_PROVIDER]: info.provider,
  };
  const optional: Attributes = {
    [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: info.max_tokens,
    [ATTR_GEN_AI_REQUEST_TEMPERATURE]: info.temperature,
    [ATTR_GEN_AI_OUTPUT_TYPE]: info.output_type,
    [ATTR_SWITCHYARD_TASK]: info.task,
    [ATTR_SWITCHYARD_JOB_ID]: info.job_id,
    [ATTR_SWITCHYARD_ATTEMPT]: info.hop === undefined ? undefined : attemptNumber(info.hop),
    [ATTR_SWITCHYARD_FALLBACK_REASON]: info.fallback_reason,
    [ATTR_SWITCHYARD_RULE]: info.rule,
    [ATTR_SWITCHYARD_SPLIT]: info.split,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) attributes[key] = value;
  }
  return attributes;
}

function recordResult(span: Span, result: GenAiResultLike, captureContent: boolean): void {
  span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, result.model_revision);
  span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [result.finish_reason]);
  span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, result.usage.input_tokens);
  span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, result.usage.output_tokens);
  if (result.request_id) span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, result.request_id);
  if (result.system_fingerprint) {
    span.setAttribute(ATTR_GEN_AI_OPENAI_RESPONSE_SYSTEM_FINGERPRINT, result.system_fingerprint);
  }
  if (captureContent) {
    span.setAttribute(
      ATTR_GEN_AI_OUTPUT_MESSAGES,
      genAiOutputMessages(result.text, result.finish_reason),
    );
  }
}

/**
 * One CLIENT span per provider call, named `chat {model}` as the GenAI conventions ask, around
 * fn (typically `adapter.complete(request)`). Success records the response model (the revision),
 * id, finish reasons and token usage; failure records error.type and an ERROR status. Prompt and
 * output text are recorded only when content capture is on, because traces usually flow to
 * systems with wider access than the ledger.
 */
export async function withGenAiSpan<T extends GenAiResultLike>(
  info: GenAiSpanInfo,
  fn: (scope: GenAiSpanScope) => Promise<T>,
  options: GenAiSpanOptions = {},
): Promise<T> {
  const captureContent = options.captureContent ?? traceContentEnabled();
  const attributes = requestAttributes(info);
  if (captureContent && info.messages) {
    attributes[ATTR_GEN_AI_INPUT_MESSAGES] = genAiInputMessages(info.messages);
  }
  return switchyardTracer().startActiveSpan(
    `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${info.request_model}`,
    { kind: SpanKind.CLIENT, attributes },
    async (span) => {
      const scope: GenAiSpanScope = {
        span,
        setCostUsd: (usd) => span.setAttribute(ATTR_SWITCHYARD_COST_USD, usd),
      };
      try {
        const result = await fn(scope);
        recordResult(span, result, captureContent);
        return result;
      } catch (err) {
        markSpanFailed(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
