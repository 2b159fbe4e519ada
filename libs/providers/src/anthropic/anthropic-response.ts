import type { CompletionRequest, CompletionResult } from '../provider.types';
import {
  buildCompletionResult,
  finishReasonIn,
  type FinishReasonTable,
} from '../shared/completion-result';
import { failure } from '../shared/failure';
import { cacheCounts, isJsonObject, tokenCount, type JsonObject } from '../shared/json-object';

export const FINISH_REASONS: FinishReasonTable = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // The window filled up mid-answer: the output was cut short, like a max_tokens stop.
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
};

/** A Messages API response as a CompletionResult; the body is checked, not trusted. */
export function toCompletionResult(
  body: unknown,
  request: CompletionRequest,
  provider: string,
  requestId: string | undefined,
): CompletionResult {
  if (!isJsonObject(body) || !Array.isArray(body.content)) {
    throw failure('malformed_response', provider, 'response has no content array', { requestId });
  }
  if (body.stop_reason === 'refusal') {
    throw failure('content_filtered', provider, 'the model refused to answer', { requestId });
  }
  const text = body.content
    .filter(
      (block): block is JsonObject =>
        isJsonObject(block) && block.type === 'text' && typeof block.text === 'string',
    )
    .map((block) => block.text as string)
    .join('');
  const toolCalls = body.content
    .filter((block): block is JsonObject => isJsonObject(block) && block.type === 'tool_use')
    .map((block, i) => {
      if (typeof block.id !== 'string' || typeof block.name !== 'string')
        throw failure('malformed_response', provider, `tool_use block ${i} has no id or name`, {
          requestId,
        });
      return { id: block.id, name: block.name, arguments: block.input };
    });
  const usage = isJsonObject(body.usage) ? body.usage : undefined;
  return buildCompletionResult(
    {
      text,
      toolCalls,
      finishReason: finishReasonIn(FINISH_REASONS, body.stop_reason),
      usage: {
        // Cached prompt tokens are billed separately upstream but are still prompt the model read.
        input_tokens:
          tokenCount(usage?.input_tokens) +
          tokenCount(usage?.cache_creation_input_tokens) +
          tokenCount(usage?.cache_read_input_tokens),
        output_tokens: tokenCount(usage?.output_tokens),
        ...cacheCounts(
          tokenCount(usage?.cache_read_input_tokens),
          tokenCount(usage?.cache_creation_input_tokens),
        ),
      },
      reportedModel: body.model,
      requestId,
    },
    request,
    provider,
  );
}
