import type { ProviderError, ProviderErrorType } from '../provider-error';
import { failure } from './failure';
import { errorTypeForStatus } from './http-error-type';

/** An HTTP error answer as one adapter reads it from its SDK's error. */
export interface HttpErrorReading {
  status: number;
  /** The provider's own words, which the status mapping searches for context-length and overload. */
  message: string;
  /** What the provider's error code or name says, where it says more than the status does. */
  type: ProviderErrorType | undefined;
  /** The failure as the ProviderError message reports it, after the provider's name. */
  detail: string;
  retryAfterMs: number | undefined;
  requestId?: string;
  cause: unknown;
}

/** The provider's own error code decides the type when it has one; the HTTP status otherwise. */
export function httpFailure(provider: string, reading: HttpErrorReading): ProviderError {
  const type = reading.type ?? errorTypeForStatus(reading.status, reading.message);
  return failure(type, provider, reading.detail, {
    status: reading.status,
    retryAfterMs: reading.retryAfterMs,
    requestId: reading.requestId,
    cause: reading.cause,
  });
}
