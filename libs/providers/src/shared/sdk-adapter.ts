import { ProviderError, isProviderError } from '../provider-error';
import type {
  CompletionRequest,
  CompletionResult,
  ProviderAdapter,
  ProviderConnection,
  ProviderKind,
} from '../provider.types';
import { StreamAssembly, estimateTokens } from '../streaming/stream-assembly';
import { StreamWatchdog } from '../streaming/stream-watchdog';
import type { CallDeadline } from './call-deadline';
import { buildCompletionResult } from './completion-result';
import { failure } from './failure';
import { runProviderCall } from './provider-call';

/** Whatever one SDK throws, in the shared taxonomy. */
export type SdkErrorMapper = (
  err: unknown,
  deadline: CallDeadline,
  provider: string,
) => ProviderError;

/** A provider's answer as its SDK streams it: the events, and the request id from the headers. */
export interface OpenedStream<Event> {
  events: AsyncIterable<Event>;
  requestId?: string;
}

function promptChars(request: CompletionRequest): number {
  let chars = 0;
  for (const message of request.messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    else if (Array.isArray(message.content))
      for (const part of message.content) if (part.type === 'text') chars += part.text.length;
  }
  return chars;
}

/**
 * The base of every adapter over an official SDK. Every call streams: the deadline, the
 * first-token and idle watchdog, the assembly of the events into one result, the error contract
 * and the key scrubbing are the same for every provider, so they live here. A provider's adapter
 * builds its SDK client, opens the one streaming SDK call, reads each of its events into the
 * assembly and names the mapping for the SDK's errors.
 */
export abstract class SdkAdapter<Event> implements ProviderAdapter {
  readonly provider: string;
  abstract readonly kind: ProviderKind;
  /** Only to scrub it from whatever leaves a call; the SDK client holds its own copy. */
  private readonly apiKey: string;

  protected constructor(
    connection: ProviderConnection,
    private readonly toProviderError: SdkErrorMapper,
  ) {
    this.provider = connection.provider;
    this.apiKey = connection.apiKey;
  }

  complete(request: CompletionRequest): Promise<CompletionResult> {
    return runProviderCall(
      {
        provider: this.provider,
        apiKey: this.apiKey,
        timeoutMs: request.timeout_ms,
        signal: request.signal,
      },
      (signal, deadline) => this.stream(request, signal, deadline),
      (err, deadline) => this.toProviderError(err, deadline, this.provider),
    );
  }

  /** Maps the request and opens the streaming SDK call under `signal`. */
  protected abstract openStream(
    request: CompletionRequest,
    signal: AbortSignal,
  ): Promise<OpenedStream<Event>>;

  /** Reads one event into the assembly; throws a ProviderError for an event that ends the call. */
  protected abstract readEvent(event: Event, into: StreamAssembly): void;

  private async stream(
    request: CompletionRequest,
    signal: AbortSignal,
    deadline: CallDeadline,
  ): Promise<CompletionResult> {
    // Aborting the deadline's signal cancels the SDK request, so nothing is left reading.
    const watchdog = new StreamWatchdog(
      { firstTokenMs: request.first_token_timeout_ms, idleMs: request.stream_idle_timeout_ms },
      (reason) => deadline.expire(reason),
    );
    const into = new StreamAssembly((delta) => {
      // The revision comes with the opening frame: it is no token of the answer.
      if (delta.type !== 'model_revision') watchdog.touch();
      request.onDelta?.(delta);
    });
    try {
      const opened = await this.openStream(request, signal);
      into.requestId = opened.requestId;
      into.callKey = request.call_key;
      for await (const event of opened.events) this.readEvent(event, into);
      // The SDKs end their iteration quietly when the request is aborted: that is no answer.
      if (signal.aborted) {
        throw failure('timeout', this.provider, deadline.describe(), {
          requestId: into.requestId,
        });
      }
      if (!into.complete) {
        throw failure(
          'malformed_response',
          this.provider,
          'the stream ended before the answer was complete',
          { requestId: into.requestId },
        );
      }
      return buildCompletionResult(
        into.reading(estimateTokens(promptChars(request))),
        request,
        this.provider,
      );
    } catch (err) {
      throw this.withPartial(err, deadline, into, request);
    } finally {
      watchdog.dispose();
    }
  }

  /** The error in the taxonomy, carrying what the stream had produced before it failed. */
  private withPartial(
    err: unknown,
    deadline: CallDeadline,
    into: StreamAssembly,
    request: CompletionRequest,
  ): ProviderError {
    const mapped = isProviderError(err) ? err : this.toProviderError(err, deadline, this.provider);
    const partial = into.partial(estimateTokens(promptChars(request)));
    if (!partial) return mapped;
    return new ProviderError(mapped.type, mapped.message, {
      provider: mapped.provider,
      status: mapped.status,
      retryAfterMs: mapped.retryAfterMs,
      requestId: mapped.requestId ?? into.requestId,
      cause: mapped.cause,
      partial,
    });
  }
}
