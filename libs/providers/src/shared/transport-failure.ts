import type { ProviderError } from '../provider-error';
import type { CallDeadline } from './call-deadline';
import { isErrorLike } from './error-like';
import { failure } from './failure';
import { classifyTransportError } from './transport-errors';

/** The innermost code or message in a cause chain: "ECONNRESET", "other side closed", ... */
function innermostReason(err: unknown): string {
  let reason = 'connection failed';
  let current: unknown = err;
  for (let depth = 0; depth < 8 && isErrorLike(current); depth++) {
    const code = current.code;
    reason = typeof code === 'string' ? `${code}: ${current.message}` : current.message || reason;
    current = current.cause;
  }
  return reason;
}

/**
 * What every SDK shares below the HTTP status: our deadline or the caller ending the call, a
 * transport failure, or a 2xx body that is not JSON. Undefined when the error is none of these.
 */
export function transportFailure(
  err: unknown,
  deadline: CallDeadline,
  provider: string,
): ProviderError | undefined {
  if (deadline.expired || deadline.cancelledByCaller) {
    return failure('timeout', provider, deadline.describe(), { cause: err });
  }
  const kind = classifyTransportError(err);
  if (kind === 'timeout')
    return failure('timeout', provider, `timed out (${innermostReason(err)})`, { cause: err });
  if (kind === 'network')
    return failure('network', provider, `network error (${innermostReason(err)})`, { cause: err });
  if (isErrorLike(err) && err.name === 'SyntaxError') {
    return failure('malformed_response', provider, 'response body is not valid JSON', {
      cause: err,
    });
  }
  return undefined;
}

/**
 * The last word on an error no SDK error class claimed: a transport failure when it looks like
 * one, otherwise a server_error that keeps the original as its cause.
 */
export function unclassifiedFailure(
  err: unknown,
  deadline: CallDeadline,
  provider: string,
): ProviderError {
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
