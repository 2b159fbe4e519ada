import type { CompletionRequest, CompletionResult, FinishReason } from '../provider.types';
import { failure } from '../shared/failure';
import { parseJsonOutput } from '../shared/json-output';

type Body = Record<string, unknown>;

function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finishReasonOf(raw: unknown): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    // The window filled up mid-answer: the output was cut short, like a max_tokens stop.
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    default:
      return 'other';
  }
}

function count(usage: Body | undefined, key: string): number {
  const value = usage?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** A Messages API response as a CompletionResult; the body is checked, not trusted. */
export function toCompletionResult(
  body: unknown,
  request: CompletionRequest,
  provider: string,
  requestId: string | undefined,
): CompletionResult {
  if (!isBody(body) || !Array.isArray(body.content)) {
    throw failure('malformed_response', provider, 'response has no content array', { requestId });
  }
  if (body.stop_reason === 'refusal') {
    throw failure('content_filtered', provider, 'the model refused to answer', { requestId });
  }
  const text = body.content
    .filter(
      (block): block is Body =>
        isBody(block) && block.type === 'text' && typeof block.text === 'string',
    )
    .map((block) => block.text as string)
    .join('');
  const usage = isBody(body.usage) ? body.usage : undefined;
  const result: CompletionResult = {
    text,
    finish_reason: finishReasonOf(body.stop_reason),
    usage: {
      // Cached prompt tokens are billed separately upstream but are still prompt the model read.
      input_tokens:
        count(usage, 'input_tokens') +
        count(usage, 'cache_creation_input_tokens') +
        count(usage, 'cache_read_input_tokens'),
      output_tokens: count(usage, 'output_tokens'),
    },
    model_revision:
      typeof body.model === 'string' && body.model !== '' ? body.model : request.model,
  };
  if (requestId) result.request_id = requestId;
  if (request.response_format?.type === 'json_schema') {
    result.json = parseJsonOutput(text, request.response_format.schema, provider);
  }
  return result;
}
