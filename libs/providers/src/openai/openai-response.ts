import type { CompletionRequest, CompletionResult, FinishReason } from '../provider.types';
import { failure } from '../shared/failure';
import { parseJsonOutput } from '../shared/json-output';

type Body = Record<string, unknown>;

function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finishReasonOf(raw: unknown): FinishReason {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

function tokenCount(usage: Body | undefined, key: string): number {
  const value = usage?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * A chat completion as a CompletionResult. The body is checked rather than trusted: what the SDK
 * hands back is whatever the server sent, and compatible servers and proxies do send other things.
 */
export function toCompletionResult(
  body: unknown,
  request: CompletionRequest,
  provider: string,
  requestId: string | undefined,
): CompletionResult {
  if (!isBody(body))
    throw failure('malformed_response', provider, 'response body is not a JSON object', {
      requestId,
    });
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isBody(choice) || !isBody(choice.message)) {
    throw failure('malformed_response', provider, 'response has no choices[0].message', {
      requestId,
    });
  }
  const message = choice.message;
  if (typeof message.refusal === 'string' && message.refusal !== '') {
    throw failure('content_filtered', provider, `the model refused: ${message.refusal}`, {
      requestId,
    });
  }
  if (choice.finish_reason === 'content_filter') {
    throw failure('content_filtered', provider, 'the answer was withheld by the content filter', {
      requestId,
    });
  }
  if (
    message.content !== null &&
    message.content !== undefined &&
    typeof message.content !== 'string'
  ) {
    throw failure('malformed_response', provider, 'choices[0].message.content is not a string', {
      requestId,
    });
  }
  const text = message.content ?? '';
  const usage = isBody(body.usage) ? body.usage : undefined;
  const result: CompletionResult = {
    text,
    finish_reason: finishReasonOf(choice.finish_reason),
    usage: {
      input_tokens: tokenCount(usage, 'prompt_tokens'),
      output_tokens: tokenCount(usage, 'completion_tokens'),
    },
    model_revision:
      typeof body.model === 'string' && body.model !== '' ? body.model : request.model,
  };
  if (requestId) result.request_id = requestId;
  if (typeof body.system_fingerprint === 'string')
    result.system_fingerprint = body.system_fingerprint;
  if (request.response_format?.type === 'json_schema') {
    result.json = parseJsonOutput(text, request.response_format.schema, provider);
  }
  return result;
}
