import type { GenerateContentResponse } from '@google/genai';
import type { CompletionRequest, CompletionResult } from '../provider.types';
import {
  buildCompletionResult,
  finishReasonIn,
  type FinishReasonTable,
} from '../shared/completion-result';
import { failure } from '../shared/failure';
import { cacheCounts, tokenCount } from '../shared/json-object';
import { stableToolCallId, type RawToolCall } from '../shared/tool-calls';

/** Finish reasons meaning the answer was withheld for policy reasons. */
export const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

export const FINISH_REASONS: FinishReasonTable = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
};

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
  const callKey = request.call_key ?? requestId ?? 'gemini';
  const toolCalls = parts
    .filter((part) => part.functionCall !== undefined && part.functionCall !== null)
    .map((part, i): RawToolCall => {
      const call = part.functionCall!;
      if (typeof call.name !== 'string' || call.name === '')
        throw failure('malformed_response', provider, `functionCall ${i} has no name`, {
          requestId,
        });
      return {
        id: typeof call.id === 'string' && call.id !== '' ? call.id : stableToolCallId(callKey, i),
        name: call.name,
        arguments: call.args ?? {},
      };
    });
  const usage = response.usageMetadata;
  return buildCompletionResult(
    {
      text,
      toolCalls,
      finishReason: finishReasonIn(FINISH_REASONS, finishReason),
      usage: {
        input_tokens: tokenCount(usage?.promptTokenCount),
        // Thinking tokens are billed as output.
        output_tokens:
          tokenCount(usage?.candidatesTokenCount) + tokenCount(usage?.thoughtsTokenCount),
        ...cacheCounts(tokenCount(usage?.cachedContentTokenCount), 0),
      },
      reportedModel: response.modelVersion,
      requestId,
    },
    request,
    provider,
  );
}
