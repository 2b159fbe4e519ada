import { ProviderError, isProviderError } from '../provider-error';
import { CallDeadline } from './call-deadline';
import { isErrorLike } from './error-like';
import { scrubSecret } from './secret-scrubber';

export interface ProviderCallContext {
  provider: string;
  /** Only to scrub it from whatever leaves the call. */
  apiKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type ErrorMapper = (err: unknown, deadline: CallDeadline) => ProviderError;

const MAX_CAUSE_DEPTH = 4;

/** A copy of the cause chain with names, codes and scrubbed messages, and nothing else. */
function scrubbedCause(err: unknown, apiKey: string, depth = 0): Error | undefined {
  if (!isErrorLike(err) || depth >= MAX_CAUSE_DEPTH) return undefined;
  const copy = new Error(scrubSecret(err.message, apiKey), {
    cause: scrubbedCause(err.cause, apiKey, depth + 1),
  });
  copy.name = err.name;
  if (typeof err.code === 'string') Object.assign(copy, { code: err.code });
  return copy;
}

/**
 * Rebuilds the error with the key scrubbed from its message, and a cause chain reduced to scrubbed
 * copies: SDK errors carry response bodies and headers that must not reach logs or records.
 */
export function scrubProviderError(err: ProviderError, apiKey: string): ProviderError {
  return new ProviderError(err.type, scrubSecret(err.message, apiKey), {
    provider: err.provider,
    status: err.status,
    retryAfterMs: err.retryAfterMs,
    requestId: err.requestId,
    partial: err.partial,
    cause: scrubbedCause(err.cause, apiKey),
  });
}

/**
 * Runs one SDK call under the call's deadline and turns whatever it throws into a scrubbed
 * ProviderError, so an adapter resolves with a result or rejects with a ProviderError, never else.
 */
export async function runProviderCall<T>(
  context: ProviderCallContext,
  call: (signal: AbortSignal, deadline: CallDeadline) => Promise<T>,
  toProviderError: ErrorMapper,
): Promise<T> {
  const deadline = new CallDeadline(context.timeoutMs, context.signal);
  try {
    return await call(deadline.signal, deadline);
  } catch (err) {
    let mapped: ProviderError;
    try {
      mapped = isProviderError(err) ? err : toProviderError(err, deadline);
    } catch (mapperErr) {
      mapped = new ProviderError('server_error', `${context.provider}: unexpected failure`, {
        provider: context.provider,
        cause: mapperErr,
      });
    }
    throw scrubProviderError(mapped, context.apiKey);
  } finally {
    deadline.dispose();
  }
}
