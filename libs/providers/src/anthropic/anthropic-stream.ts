import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { finishReasonIn } from '../shared/completion-result';
import { failure } from '../shared/failure';
import { isJsonObject, tokenCount, type JsonObject } from '../shared/json-object';
import type { StreamAssembly } from '../streaming/stream-assembly';
import { FINISH_REASONS } from './anthropic-finish-reason';

/** Cached prompt tokens are billed separately upstream but are still prompt the model read. */
function inputTokens(usage: JsonObject): number | undefined {
  if (usage.input_tokens === undefined || usage.input_tokens === null) return undefined;
  return (
    tokenCount(usage.input_tokens) +
    tokenCount(usage.cache_creation_input_tokens) +
    tokenCount(usage.cache_read_input_tokens)
  );
}

/** Cache reads and writes, when this event reports them (both are part of inputTokens). */
export function cacheTokens(usage: JsonObject): { cachedInput?: number; cacheWrite?: number } {
  const counts: { cachedInput?: number; cacheWrite?: number } = {};
  if (typeof usage.cache_read_input_tokens === 'number')
    counts.cachedInput = tokenCount(usage.cache_read_input_tokens);
  if (typeof usage.cache_creation_input_tokens === 'number')
    counts.cacheWrite = tokenCount(usage.cache_creation_input_tokens);
  return counts;
}

function outputTokens(usage: JsonObject): number | undefined {
  return typeof usage.output_tokens === 'number' ? tokenCount(usage.output_tokens) : undefined;
}

function blockIndex(body: JsonObject, provider: string, requestId: string | undefined): number {
  if (typeof body.index !== 'number')
    throw failure('malformed_response', provider, 'a content block event has no index', {
      requestId,
    });
  return body.index;
}

/**
 * One Messages API stream event into the assembly: message_start names the model and the input
 * usage, text_delta pieces are the answer, message_delta carries the stop reason and the output
 * usage, message_stop ends it. Events are checked rather than trusted.
 */
export function readAnthropicEvent(
  event: RawMessageStreamEvent,
  into: StreamAssembly,
  provider: string,
): void {
  const body: unknown = event;
  const requestId = into.requestId;
  if (!isJsonObject(body) || typeof body.type !== 'string') {
    throw failure('malformed_response', provider, 'stream event has no type', { requestId });
  }
  switch (body.type) {
    case 'message_start': {
      const message = isJsonObject(body.message) ? body.message : undefined;
      if (!message) {
        throw failure('malformed_response', provider, 'message_start has no message', {
          requestId,
        });
      }
      into.reportedModel = message.model;
      if (isJsonObject(message.usage)) {
        into.usage({
          input: inputTokens(message.usage),
          output: outputTokens(message.usage),
          ...cacheTokens(message.usage),
        });
      }
      return;
    }
    case 'content_block_start': {
      const block = isJsonObject(body.content_block) ? body.content_block : undefined;
      if (block?.type === 'tool_use') {
        into.toolCall(blockIndex(body, provider, requestId), {
          id: typeof block.id === 'string' ? block.id : undefined,
          name: typeof block.name === 'string' ? block.name : undefined,
          argumentsObject: isJsonObject(block.input) ? block.input : undefined,
          arguments: '',
        });
      }
      return;
    }
    case 'content_block_delta': {
      const delta = isJsonObject(body.delta) ? body.delta : undefined;
      if (delta?.type === 'input_json_delta') {
        if (typeof delta.partial_json !== 'string') {
          throw failure('malformed_response', provider, 'input_json_delta has no partial_json', {
            requestId,
          });
        }
        into.toolCall(blockIndex(body, provider, requestId), { arguments: delta.partial_json });
      }
      if (delta?.type === 'text_delta') {
        if (typeof delta.text !== 'string') {
          throw failure('malformed_response', provider, 'text_delta has no text', { requestId });
        }
        into.text(delta.text);
      }
      return;
    }
    case 'message_delta': {
      const delta = isJsonObject(body.delta) ? body.delta : {};
      if (delta.stop_reason === 'refusal') {
        throw failure('content_filtered', provider, 'the model refused to answer', { requestId });
      }
      if (delta.stop_reason !== undefined && delta.stop_reason !== null) {
        into.finish(finishReasonIn(FINISH_REASONS, delta.stop_reason));
      }
      // The counts in message_delta are cumulative.
      if (isJsonObject(body.usage)) {
        into.usage({
          input: inputTokens(body.usage),
          output: outputTokens(body.usage),
          ...cacheTokens(body.usage),
        });
      }
      return;
    }
    case 'message_stop':
      into.end();
      return;
    default:
      // content_block_stop, ping: nothing the answer needs.
      return;
  }
}
