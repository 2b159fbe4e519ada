import type { CompletionRequest, CompletionResult } from '../provider.types';
import {
  buildCompletionResult,
  finishReasonIn,
  type FinishReasonTable,
} from '../shared/completion-result';
import { failure } from '../shared/failure';
import { isJsonObject, tokenCount } from '../shared/json-object';
import { cacheCounts } from '../shared/json-object';
import { cachedPromptTokens } from './openai-stream';
import type { RawToolCall } from '../shared/tool-calls';

export const FINISH_REASONS: FinishReasonTable = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
};

/** `message.tool_calls` of function type; their arguments stay JSON text until checked. */
export function readToolCalls(
  calls: unknown,
  provider: string,
  requestId: string | undefined,
): RawToolCall[] {
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls))
    throw failure('malformed_response', provider, 'choices[0].message.tool_calls is not a list', {
      requestId,
    });
  return calls.map((call, i) => {
    const fn = isJsonObject(call) ? call.function : undefined;
    if (
      !isJsonObject(call) ||
      typeof call.id !== 'string' ||
      !isJsonObject(fn) ||
      typeof fn.name !== 'string'
    ) {
      throw failure('malformed_response', provider, `tool_calls[${i}] has no id or function name`, {
        requestId,
      });
    }
    return { id: call.id, name: fn.name, arguments: fn.arguments };
  });
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
  if (!isJsonObject(body))
    throw failure('malformed_response', provider, 'response body is not a JSON object', {
      requestId,
    });
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isJsonObject(choice) || !isJsonObject(choice.message)) {
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
  const usage = isJsonObject(body.usage) ? body.usage : undefined;
  return buildCompletionResult(
    {
      text: message.content ?? '',
      toolCalls: readToolCalls(message.tool_calls, provider, requestId),
      finishReason: finishReasonIn(FINISH_REASONS, choice.finish_reason),
      usage: {
        input_tokens: tokenCount(usage?.prompt_tokens),
        output_tokens: tokenCount(usage?.completion_tokens),
        ...cacheCounts(usage ? cachedPromptTokens(usage) : 0, 0),
      },
      reportedModel: body.model,
      requestId,
      systemFingerprint:
        typeof body.system_fingerprint === 'string' ? body.system_fingerprint : undefined,
    },
    request,
    provider,
  );
}
