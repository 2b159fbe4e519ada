import { ApiError } from '@google/genai';
import type { ProviderError, ProviderErrorType } from '../provider-error';
import type { CallDeadline } from '../shared/call-deadline';
import { mentionsContextLength, mentionsOverload } from '../shared/http-error-type';
import { failure } from '../shared/failure';
import { httpFailure } from '../shared/http-failure';
import { parseDurationMs } from '../shared/retry-after';
import { unclassifiedFailure } from '../shared/transport-failure';

/** google.rpc.Status, which the SDK puts in ApiError.message as JSON. */
interface RpcStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

function rpcStatusOf(err: ApiError): RpcStatus {
  try {
    const parsed = JSON.parse(err.message) as { error?: RpcStatus };
    return parsed.error ?? {};
  } catch {
    return { message: err.message };
  }
}

function detail(status: RpcStatus, type: string): Record<string, unknown> | undefined {
  return status.details?.find(
    (d) => typeof d['@type'] === 'string' && (d['@type'] as string).endsWith(type),
  );
}

function typeForRpcStatus(status: RpcStatus, httpStatus: number): ProviderErrorType | undefined {
  const message = status.message ?? '';
  // A bad key comes back as 400 INVALID_ARGUMENT with reason API_KEY_INVALID.
  if (
    detail(status, 'google.rpc.ErrorInfo')?.reason === 'API_KEY_INVALID' ||
    /API key not valid/i.test(message)
  ) {
    return 'auth';
  }
  switch (status.status) {
    case 'RESOURCE_EXHAUSTED':
      return 'rate_limited';
    case 'UNAVAILABLE':
      return mentionsOverload(message) ? 'overloaded' : 'server_error';
    case 'DEADLINE_EXCEEDED':
      return 'timeout';
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return 'auth';
    // e.g. "User location is not supported": this account cannot use the API; others can.
    case 'FAILED_PRECONDITION':
      return 'auth';
    // "models/x is not found for API version v1beta": the model path is the only resource named.
    case 'NOT_FOUND':
      return 'model_not_found';
    case 'INVALID_ARGUMENT':
      return mentionsContextLength(message) ? 'context_length_exceeded' : 'bad_request';
    default:
      return httpStatus === 400 && mentionsContextLength(message)
        ? 'context_length_exceeded'
        : undefined;
  }
}

/** Any error the @google/genai SDK (or the call around it) throws, as a ProviderError. */
export function toGoogleProviderError(
  err: unknown,
  deadline: CallDeadline,
  provider: string,
): ProviderError {
  if (err instanceof ApiError) {
    const status = rpcStatusOf(err);
    const message = status.message ?? err.message;
    return httpFailure(provider, {
      status: err.status,
      message,
      type: typeForRpcStatus(status, err.status),
      detail: `${err.status} ${status.status ?? 'error'}: ${message}`,
      retryAfterMs: parseDurationMs(detail(status, 'google.rpc.RetryInfo')?.retryDelay),
      cause: err,
    });
  }
  // The SDK's own words for a stream whose last frame was cut mid-JSON.
  if (err instanceof Error && /Incomplete JSON segment/i.test(err.message)) {
    return failure('malformed_response', provider, 'the stream ended inside a frame', {
      cause: err,
    });
  }
  return unclassifiedFailure(err, deadline, provider);
}
