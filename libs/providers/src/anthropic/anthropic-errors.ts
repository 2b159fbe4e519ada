import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { ProviderError, ProviderErrorType } from '../provider-error';
import type { CallDeadline } from '../shared/call-deadline';
import { mentionsContextLength } from '../shared/http-error-type';
import { stainlessProviderError, type StainlessErrorReader } from '../shared/stainless-errors';

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
    // The Messages API has one resource a call can miss: the model (retired or misspelled).
    case 'not_found_error':
      return 'model_not_found';
    default:
      return undefined;
  }
}

const SDK_ERRORS = { APIError, APIConnectionError, APIUserAbortError };

/** Reports the error type by name, and reads the API's own message rather than the SDK's summary. */
const readApiError: StainlessErrorReader<APIError> = (err, status) => {
  const message = err.apiMessage ?? err.message;
  return {
    message,
    type: typeForErrorType(err.type, message),
    detail: `${status} ${err.type ?? 'error'}: ${message}`,
  };
};

/** Any error the @anthropic-ai/sdk (or the call around it) throws, as a ProviderError. */
export function toAnthropicProviderError(
  err: unknown,
  deadline: CallDeadline,
  provider: string,
): ProviderError {
  return stainlessProviderError(err, deadline, provider, SDK_ERRORS, readApiError);
}
