import type { ProviderError } from '../provider-error';
import type {
  CompletionRequest,
  CompletionResult,
  ProviderAdapter,
  ProviderConnection,
  ProviderKind,
} from '../provider.types';
import type { CallDeadline } from './call-deadline';
import { runProviderCall } from './provider-call';

/** Whatever one SDK throws, in the shared taxonomy. */
export type SdkErrorMapper = (
  err: unknown,
  deadline: CallDeadline,
  provider: string,
) => ProviderError;

/**
 * The base of every adapter over an official SDK. The deadline, the error contract and the key
 * scrubbing are the same for every provider, so they live here; a provider's adapter builds its SDK
 * client, makes the one SDK call and names the mapping for the SDK's errors.
 */
export abstract class SdkAdapter implements ProviderAdapter {
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
      (signal) => this.send(request, signal),
      (err, deadline) => this.toProviderError(err, deadline, this.provider),
    );
  }

  /** Maps the request, makes the SDK call under `signal` and maps its answer. */
  protected abstract send(
    request: CompletionRequest,
    signal: AbortSignal,
  ): Promise<CompletionResult>;
}
