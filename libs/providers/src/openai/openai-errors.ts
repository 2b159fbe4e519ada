import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ProviderError, ProviderErrorType } from '../provider-error';
import type { CallDeadline } from '../shared/call-deadline';
import { mentionsContextLength } from '../shared/http-error-type';
import { stainlessProviderError, type StainlessErrorReader } from '../shared/stainless-errors';

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
    // A retired or renamed model (OpenAI and the OpenAI-compatible APIs use the same code).
    case 'model_not_found':
      return 'model_not_found';
    case 'content_filter':
    case 'content_policy_violation':
      return 'content_filtered';
    default:
      return status === 400 && mentionsContextLength(message)
        ? 'context_length_exceeded'
        : undefined;
  }
}

const SDK_ERRORS = { APIError, APIConnectionError, APIUserAbortError };

const readApiError: StainlessErrorReader<APIError> = (err, status) => ({
  message: err.message,
  type: typeForCode(err.code, status, err.message),
  detail: err.message,
});

/** Any error the openai SDK (or the call around it) throws, as a ProviderError. */
export function toOpenAiProviderError(
  err: unknown,
  deadline: CallDeadline,
  provider: string,
): ProviderError {
  return stainlessProviderError(err, deadline, provider, SDK_ERRORS, readApiError);
}
