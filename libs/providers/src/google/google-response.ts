import type { GenerateContentResponse } from '@google/genai';
import type { CompletionRequest, CompletionResult, FinishReason } from '../provider.types';
import { failure } from '../shared/failure';
import { parseJsonOutput } from '../shared/json-output';

/** Finish reasons meaning the answer was withheld for policy reasons. */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

function finishReasonOf(raw: string | undefined): FinishReason {
  switch (raw) {
    case 'STOP':
      return 'stop';
    case 'MAX_TOKENS':
      return 'length';
    default:
      return 'other';
  }
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** A generateContent response as a CompletionResult; the body is checked, not trusted. */
export function toCompletionResult(
  response: GenerateContentResponse,
  request: CompletionRequest,
  provider: string,
): CompletionResult {
  const requestId = typeof response.responseId === 'string' ? response.responseId : undefined;
  const candidate = Array.isArray(response.candidates) ? response.candidates[0] : undefined;
  if (!candidate) {
    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason)
      throw failure('content_filtered', provider, `the prompt was blocked (${blockReason})`, {
        requestId,
      });
    throw failure('malformed_response', provider, 'response has no candidates', { requestId });
  }
  const finishReason =
    typeof candidate.finishReason === 'string' ? candidate.finishReason : undefined;
  if (finishReason && FILTERED.has(finishReason)) {
    throw failure('content_filtered', provider, `the answer was blocked (${finishReason})`, {
      requestId,
    });
  }
  const parts = Array.isArray(candidate.content?.parts) ? candidate.content.parts : [];
  // Thought summaries are not part of the answer.
  const text = parts
    .filter((part) => !part.thought && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
  const usage = response.usageMetadata;
  const result: CompletionResult = {
    text,
    finish_reason: finishReasonOf(finishReason),
    usage: {
      input_tokens: count(usage?.promptTokenCount),
      // Thinking tokens are billed as output.
      output_tokens: count(usage?.candidatesTokenCount) + count(usage?.thoughtsTokenCount),
    },
    model_revision:
      typeof response.modelVersion === 'string' && response.modelVersion !== ''
        ? response.modelVersion
        : request.model,
  };
  if (requestId) result.request_id = requestId;
  if (request.response_format?.type === 'json_schema') {
    result.json = parseJsonOutput(text, request.response_format.schema, provider);
  }
  return result;
}
