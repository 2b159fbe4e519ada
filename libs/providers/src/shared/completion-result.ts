import type {
  CompletionRequest,
  CompletionResult,
  FinishReason,
  TokenUsage,
} from '../provider.types';
import { parseJsonOutput } from './json-output';
import { checkToolCalls, type RawToolCall } from './tool-calls';

/** A wire's finish reasons by name; the ones it does not list mean `other`. */
export type FinishReasonTable = Readonly<Record<string, FinishReason>>;

export function finishReasonIn(table: FinishReasonTable, raw: unknown): FinishReason {
  return typeof raw === 'string' && Object.hasOwn(table, raw) ? table[raw] : 'other';
}

/** What an adapter reads out of its provider's response body. */
export interface CompletionReading {
  text: string;
  /** The tool calls of the answer, unchecked; absent or empty when it made none. */
  toolCalls?: RawToolCall[];
  finishReason: FinishReason;
  usage: TokenUsage;
  /** The provider reported no (or no complete) usage: `usage` is an estimate. */
  usageEstimated?: boolean;
  /** The model the response says served the call, unchecked. */
  reportedModel: unknown;
  requestId: string | undefined;
  systemFingerprint?: string;
}

/**
 * The normalized result every adapter returns. A response without a model name still gets a
 * revision (the requested model), so the ledger never records an empty one.
 */
export function buildCompletionResult(
  reading: CompletionReading,
  request: CompletionRequest,
  provider: string,
): CompletionResult {
  const result: CompletionResult = {
    text: reading.text,
    finish_reason: reading.finishReason,
    usage: reading.usage,
    model_revision:
      typeof reading.reportedModel === 'string' && reading.reportedModel !== ''
        ? reading.reportedModel
        : request.model,
  };
  if (reading.usageEstimated) result.usage_estimated = true;
  if (reading.requestId) result.request_id = reading.requestId;
  if (reading.systemFingerprint !== undefined)
    result.system_fingerprint = reading.systemFingerprint;
  if (reading.toolCalls && reading.toolCalls.length > 0) {
    result.tool_calls = checkToolCalls(
      reading.toolCalls,
      request.tools,
      provider,
      reading.requestId,
    );
    // Gemini says STOP for an answer made of function calls; the normalized reason says what it is.
    result.finish_reason = 'tool_calls';
    // A turn of tool calls is not the final answer a response schema describes.
    return result;
  }
  if (request.response_format?.type === 'json_schema') {
    result.json = parseJsonOutput(reading.text, request.response_format.schema, provider);
  }
  return result;
}
