import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { finishReasonIn } from '../shared/completion-result';
import { failure } from '../shared/failure';
import { isJsonObject, tokenCount, type JsonObject } from '../shared/json-object';
import type { StreamAssembly } from '../streaming/stream-assembly';
import { FINISH_REASONS } from './openai-finish-reason';

/**
 * One chat.completion.chunk into the assembly. Chunks are checked rather than trusted, like whole
 * bodies: compatible servers and proxies send other shapes too. The chunk with a finish_reason
 * ends the answer; with include_usage one more chunk (no choices) carries the usage.
 */
export function readOpenAiChunk(
  chunk: ChatCompletionChunk,
  into: StreamAssembly,
  provider: string,
): void {
  const body: unknown = chunk;
  const requestId = into.requestId;
  if (!isJsonObject(body) || !Array.isArray(body.choices)) {
    throw failure('malformed_response', provider, 'stream chunk has no choices', { requestId });
  }
  if (typeof body.model === 'string' && body.model !== '') into.reportedModel = body.model;
  if (typeof body.system_fingerprint === 'string') into.systemFingerprint = body.system_fingerprint;
  if (isJsonObject(body.usage)) {
    into.usage({
      input: tokenCount(body.usage.prompt_tokens),
      output: tokenCount(body.usage.completion_tokens),
      cachedInput: cachedPromptTokens(body.usage),
    });
  }
  const choice: unknown = body.choices[0];
  if (choice === undefined) return;
  if (!isJsonObject(choice)) {
    throw failure('malformed_response', provider, 'stream chunk choices[0] is not an object', {
      requestId,
    });
  }
  const delta = isJsonObject(choice.delta) ? choice.delta : {};
  if (typeof delta.refusal === 'string' && delta.refusal !== '') {
    throw failure('content_filtered', provider, 'the model refused to answer', { requestId });
  }
  if (delta.content !== undefined && delta.content !== null) {
    if (typeof delta.content !== 'string') {
      throw failure('malformed_response', provider, 'delta.content is not a string', {
        requestId,
      });
    }
    into.text(delta.content);
  }
  if (delta.tool_calls !== undefined && delta.tool_calls !== null) {
    if (!Array.isArray(delta.tool_calls)) {
      throw failure('malformed_response', provider, 'delta.tool_calls is not a list', {
        requestId,
      });
    }
    for (const call of delta.tool_calls as unknown[]) {
      const fn = isJsonObject(call) && isJsonObject(call.function) ? call.function : {};
      if (!isJsonObject(call) || typeof call.index !== 'number') {
        throw failure('malformed_response', provider, 'a tool call delta has no index', {
          requestId,
        });
      }
      into.toolCall(call.index, {
        id: typeof call.id === 'string' ? call.id : undefined,
        name: typeof fn.name === 'string' ? fn.name : undefined,
        arguments: typeof fn.arguments === 'string' ? fn.arguments : '',
      });
    }
  }
  if (choice.finish_reason === 'content_filter') {
    throw failure('content_filtered', provider, 'the answer was withheld by the content filter', {
      requestId,
    });
  }
  if (typeof choice.finish_reason === 'string') {
    into.finish(finishReasonIn(FINISH_REASONS, choice.finish_reason));
    into.end();
  }
}

/** `prompt_tokens_details.cached_tokens`: the part of prompt_tokens read from the prompt cache. */
export function cachedPromptTokens(usage: JsonObject): number {
  const details = usage.prompt_tokens_details;
  return isJsonObject(details) ? tokenCount(details.cached_tokens) : 0;
}
