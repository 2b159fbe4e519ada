import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ProviderError, ProviderErrorType } from '../provider-error';
import type { CallDeadline } from '../shared/call-deadline';
import { failure } from '../shared/failure';
import { errorTypeForStatus, mentionsContextLength } from '../shared/http-error-type';
import { parseRetryAfterMs } from '../shared/retry-after';
import { transportFailure } from '../shared/transport-failure';

/** Provider error codes that say more than the status does. */
function typeForCode(
  code: string | null | undefined,
  status: number,
  message: string,
): ProviderErrorType | undefined {
  switch (code) {
    case 'context_length_exceeded':
    case 'string_above_max_length':
      return 'context_length_exceeded';
    // Out of credit: retrying here cannot help, another provider can.
    case 'insufficient_quota':
    case 'billing_hard_limit_reached':
    case 'invalid_api_key':
      return 'auth';
    case 'content_filter':
    case 'content_policy_violation':
      return 'content_filtered';
    default:
      return status === 400 && mentionsContextLength(message)
        ? 'context_length_exceeded'
        : undefined;
  }
}

/** Any error the openai SDK (or the call around it) throws, as a ProviderError. */
export function toOpenAiProviderError(
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
    const message = err.message;
    const type =
      typeForCode(err.code, err.status, message) ?? errorTypeForStatus(err.status, message);
    return failure(type, provider, message, {
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
