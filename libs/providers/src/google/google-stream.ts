import type { GenerateContentResponse } from '@google/genai';
import { finishReasonIn } from '../shared/completion-result';
import { failure } from '../shared/failure';
import { tokenCount } from '../shared/json-object';
import { stableToolCallId } from '../shared/tool-calls';
import type { StreamAssembly } from '../streaming/stream-assembly';
import { FILTERED, FINISH_REASONS } from './google-finish-reason';

/**
 * One streamGenerateContent frame into the assembly. Every frame is a GenerateContentResponse
 * with the next parts and the usage so far; the one with a finishReason ends the answer.
 */
export function readGeminiFrame(
  response: GenerateContentResponse,
  into: StreamAssembly,
  provider: string,
): void {
  if (typeof response.responseId === 'string') into.requestId ??= response.responseId;
  const requestId = into.requestId;
  if (typeof response.modelVersion === 'string') into.reportedModel = response.modelVersion;
  const candidate = Array.isArray(response.candidates) ? response.candidates[0] : undefined;
  if (!candidate) {
    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason)
      throw failure('content_filtered', provider, `the prompt was blocked (${blockReason})`, {
        requestId,
      });
    throw failure('malformed_response', provider, 'stream frame has no candidates', {
      requestId,
    });
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
  for (const part of parts) {
    if (!part.thought && typeof part.text === 'string') into.text(part.text);
    const call = part.functionCall;
    if (call !== undefined && call !== null) {
      const index = into.toolCallCount;
      if (typeof call.name !== 'string' || call.name === '')
        throw failure('malformed_response', provider, `functionCall ${index} has no name`, {
          requestId,
        });
      // Gemini calls carry no id of their own: a stable one, so a re-read gives the same ids.
      into.toolCall(index, {
        id:
          typeof call.id === 'string' && call.id !== ''
            ? call.id
            : stableToolCallId(into.callKey ?? requestId ?? 'gemini', index),
        name: call.name,
        argumentsObject: call.args ?? {},
      });
    }
  }
  const usage = response.usageMetadata;
  if (usage) {
    into.usage({
      input: usage.promptTokenCount === undefined ? undefined : tokenCount(usage.promptTokenCount),
      // Thinking tokens are billed as output.
      output:
        usage.candidatesTokenCount === undefined
          ? undefined
          : tokenCount(usage.candidatesTokenCount) + tokenCount(usage.thoughtsTokenCount),
      // Part of promptTokenCount, billed at the cached price.
      cachedInput:
        usage.cachedContentTokenCount === undefined
          ? undefined
          : tokenCount(usage.cachedContentTokenCount),
    });
  }
  if (finishReason) {
    into.finish(finishReasonIn(FINISH_REASONS, finishReason));
    into.end();
  }
}
