import type { ProviderError } from '../provider-error';
import type { CallDeadline } from './call-deadline';
import { failure } from './failure';
import { httpFailure, type HttpErrorReading } from './http-failure';
import { parseRetryAfterMs, type HeaderLookup } from './retry-after';
import { transportFailure, unclassifiedFailure } from './transport-failure';

/** The APIError of the Stainless-generated SDKs (openai, @anthropic-ai/sdk), as far as we read it. */
export interface StainlessApiError extends Error {
  readonly status: number | undefined;
  readonly headers: HeaderLookup | undefined;
  readonly requestID?: string | null;
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * One SDK's own error classes. Both SDKs are generated from the same template, so the classes
 * mean the same in each, but they are distinct classes that `instanceof` must be given.
 */
export interface StainlessErrorClasses<E extends StainlessApiError> {
  APIError: ErrorClass<E>;
  APIConnectionError: ErrorClass<Error>;
  APIUserAbortError: ErrorClass<Error>;
}

/** What only the provider knows about one of its HTTP errors: its wording and its error codes. */
export type StainlessErrorReader<E> = (
  err: E,
  status: number,
) => Pick<HttpErrorReading, 'message' | 'type' | 'detail'>;

/** Any error a Stainless-generated SDK (or the call around it) throws, as a ProviderError. */
export function stainlessProviderError<E extends StainlessApiError>(
  err: unknown,
  deadline: CallDeadline,
  provider: string,
  classes: StainlessErrorClasses<E>,
  read: StainlessErrorReader<E>,
): ProviderError {
  // Thrown when our signal aborts: the deadline says whether it ran out or the caller gave up.
  if (err instanceof classes.APIUserAbortError)
    return failure('timeout', provider, deadline.describe(), { cause: err });
  if (err instanceof classes.APIConnectionError) {
    return (
      transportFailure(err, deadline, provider) ??
      failure('network', provider, err.message, { cause: err })
    );
  }
  if (err instanceof classes.APIError && typeof err.status === 'number') {
    const status = err.status;
    return httpFailure(provider, {
      status,
      ...read(err, status),
      retryAfterMs: parseRetryAfterMs(err.headers),
      requestId: err.requestID ?? undefined,
      cause: err,
    });
  }
  return unclassifiedFailure(err, deadline, provider);
}
