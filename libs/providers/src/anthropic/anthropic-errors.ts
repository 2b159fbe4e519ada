import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { ProviderError, ProviderErrorType } from '../provider-error';
import type { CallDeadline } from '../shared/call-deadline';
import { failure } from '../shared/failure';
import { errorTypeForStatus, mentionsContextLength } from '../shared/http-error-type';
import { parseRetryAfterMs } from '../shared/retry-after';
import { transportFailure } from '../shared/transport-failure';

/** Anthropic's error.type names the failure more precisely than the status does. */
function typeForErrorType(
  errorType: string | null,
  message: string,
): ProviderErrorType | undefined {
  switch (errorType) {
    case 'overloaded_error':
      return 'overloaded';
    case 'rate_limit_error':
      return 'rate_limited';
    case 'authentication_error':
    case 'permission_error':
    case 'billing_error':
      return 'auth';
    case 'timeout_error':
      return 'timeout';
    case 'api_error':
      return 'server_error';
    case 'invalid_request_error':
    case 'request_too_large':
      return mentionsContextLength(message) ? 'context_length_exceeded' : 'bad_request';
    case 'not_found_error':
      return 'bad_request';
    default:
      return undefined;
  }
}

/** Any error the @anthropic-ai/sdk (or the call around it) throws, as a ProviderError. */
export function toAnthropicProviderError(
  err: unknown,
  deadline: CallDeadline,
  provider: string,
): ProviderError {
  if (err instanceof APIUserAbortError)
    return failure('timeout', provider, deadline.describe(), { cause: err });
  if (err instanceof APIConnectionError) {
    return (
      transportFailure(err, deadline, provider) ??
      failure('network', provider, err.message, { cause: err })
    );
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const message = err.apiMessage ?? err.message;
    const type = typeForErrorType(err.type, message) ?? errorTypeForStatus(err.status, message);
    return failure(type, provider, `${err.status} ${err.type ?? 'error'}: ${message}`, {
      status: err.status,
      retryAfterMs: parseRetryAfterMs(err.headers),
      requestId: err.requestID ?? undefined,
      cause: err,
    });
  }
  return (
    transportFailure(err, deadline, provider) ??
    failure(
      'server_error',
      provider,
      `unexpected error: ${(err as Error)?.message ?? String(err)}`,
      { cause: err },
    )
  );
}
