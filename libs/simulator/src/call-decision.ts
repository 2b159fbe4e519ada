import { defaultRevisionFor } from './model-revisions';
import { planReply } from './reply-planner';
import { chooseToolCall } from './tool-call-choice';
import type { FaultRule } from './scenario-types';
import type { CallOutcome } from './simulator-stats';
import type { SimulatorState } from './simulator-state';
import { IMAGE_TOKENS, estimateTokens } from './token-estimate';
import { streamPieces } from './wire/stream-pieces';
import type { SimRequest, StreamScript, WireFormat, WireResponse } from './wire/wire-format';

/** How a streamed answer misbehaves, from the stream faults of the rule in force. */
export interface StreamFaults {
  firstTokenDelayMs: number;
  cutAfterChunks?: number;
  stallAfterChunks?: number;
}

export type CallAction =
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'respond'; response: WireResponse }
  | { kind: 'stream'; script: StreamScript; faults: StreamFaults };

export interface CallDecision {
  action: CallAction;
  outcome: CallOutcome;
  delayMs: number;
}

const DEFAULT_ERROR_STATUS = 500;
const DEFAULT_RETRY_AFTER_MS = 1000;

/** Two independent failure sources: the base rule and a worse revision. */
function combinedRate(a: number | undefined, b: number | undefined): number {
  return 1 - (1 - (a ?? 0)) * (1 - (b ?? 0));
}

function delayFor(state: SimulatorState, rule: FaultRule): number {
  return (rule.latency_ms ?? 0) + (rule.worse?.latency_ms ?? 0) + state.jitter(rule.jitter_ms);
}

/**
 * Decides synchronously, in arrival order, how one validated call is answered, so the
 * counter-based fault choices are reproducible for a given sequence of calls.
 */
export function decideCall(
  state: SimulatorState,
  wire: WireFormat,
  provider: string,
  request: SimRequest,
  apiKey: string,
): CallDecision {
  const rule = state.faults.resolve(provider, request.model);
  const key = `${provider}|${request.model}`;
  const delayMs = delayFor(state, rule);
  const respond = (response: WireResponse, outcome: CallOutcome): CallDecision => ({
    action: { kind: 'respond', response },
    outcome,
    delayMs,
  });

  if (rule.hang) return { action: { kind: 'hang' }, outcome: 'hang', delayMs: 0 };
  if (rule.reset) return { action: { kind: 'reset' }, outcome: 'reset', delayMs };
  if (rule.retired) {
    const gone = wire.injectedError(404, { model: request.model, apiKey, retryAfterMs: 0 });
    return respond(gone, 'model_not_found');
  }

  if (state.counter.fires(`${key}|error`, combinedRate(rule.error_rate, rule.worse?.error_rate))) {
    const status = rule.status ?? DEFAULT_ERROR_STATUS;
    const response = wire.injectedError(status, {
      model: request.model,
      apiKey,
      retryAfterMs: rule.retry_after_ms ?? DEFAULT_RETRY_AFTER_MS,
    });
    return respond(response, `http_${status}`);
  }

  const inputTokens = estimateTokens(request.inputChars) + request.imageCount * IMAGE_TOKENS;
  if (rule.context_window !== undefined && inputTokens > rule.context_window) {
    return respond(
      wire.contextExceeded(request.model, inputTokens, rule.context_window),
      'context_length_exceeded',
    );
  }

  if (rule.malformed) {
    const kind = rule.malformed === true ? 'shape' : rule.malformed;
    return respond(request.stream ? wire.malformedStream(kind) : wire.malformed(kind), 'malformed');
  }

  const book = state.replies.find(provider, request.model, request.lastUserText);
  // A worse revision drifts: some scripted answers are replaced by the generic one.
  const drifted =
    book !== undefined && state.counter.fires(`${key}|wrong`, rule.worse?.wrong_answer_rate);
  const scripted = drifted ? undefined : book;
  const contentFilter = rule.content_filter === true || scripted?.finish === 'content_filter';
  const tool = contentFilter ? undefined : chooseToolCall(request);
  // A tool call's arguments are checked against the tool's schema, an answer against the response's.
  const breakSchema =
    (tool !== undefined || request.schema !== undefined) &&
    !contentFilter &&
    (rule.break_schema === true ||
      state.counter.fires(`${key}|invalid`, rule.worse?.invalid_output_rate));
  const revision = rule.revision ?? defaultRevisionFor(request.model, state.revisions);
  const reply = planReply(request, { scripted, breakSchema, contentFilter, revision, tool });
  const cached = Math.min(rule.cached_input_tokens ?? 0, reply.inputTokens);
  if (cached > 0) reply.cachedInputTokens = cached;
  const written = Math.min(rule.cache_write_input_tokens ?? 0, reply.inputTokens - cached);
  if (written > 0) reply.cacheWriteInputTokens = written;
  if (rule.omit_usage) reply.omitUsage = true;
  const outcome: CallOutcome = contentFilter
    ? 'content_filtered'
    : breakSchema
      ? 'invalid_output'
      : drifted
        ? 'wrong_answer'
        : 'ok';
  if (!request.stream) return respond(wire.success(request, reply), outcome);
  const script = wire.successStream(request, reply, streamPieces(reply.text));
  const faults: StreamFaults = {
    firstTokenDelayMs: rule.first_token_delay_ms ?? 0,
    cutAfterChunks: rule.cut_after_chunks,
    stallAfterChunks: rule.stall_after_chunks,
  };
  return {
    action: { kind: 'stream', script, faults },
    outcome: streamOutcome(script, faults) ?? outcome,
    delayMs,
  };
}

/** A stream fault that fires within the answer's pieces (or before its closing frames). */
function streamOutcome(script: StreamScript, faults: StreamFaults): CallOutcome | undefined {
  const limit = script.pieces.length;
  const stall = faults.stallAfterChunks !== undefined && faults.stallAfterChunks <= limit;
  const cut = faults.cutAfterChunks !== undefined && faults.cutAfterChunks <= limit;
  if (stall && (!cut || (faults.stallAfterChunks ?? 0) <= (faults.cutAfterChunks ?? 0)))
    return 'stall';
  return cut ? 'cut' : undefined;
}
