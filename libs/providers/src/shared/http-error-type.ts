import type { ProviderErrorType } from '../provider-error';

const CONTEXT_LENGTH_WORDING = [
  /maximum context length/i,
  /context[_ ]length/i,
  /context window/i,
  /prompt is too long/i,
  /input token count .* exceeds/i,
  /too many (input )?tokens/i,
  /reduce the length of the (messages|prompt)/i,
  /exceeds? (the )?context limit/i,
];

const OVERLOADED_WORDING = /overload|capacity|too busy/i;

export function mentionsContextLength(message: string): boolean {
  return CONTEXT_LENGTH_WORDING.some((pattern) => pattern.test(message));
}

export function mentionsOverload(message: string): boolean {
  return OVERLOADED_WORDING.test(message);
}

/**
 * The taxonomy type an HTTP error status means on its own; adapters look at provider codes first
 * and fall back to this.
 */
export function errorTypeForStatus(status: number, message: string): ProviderErrorType {
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  // A completion endpoint names one resource, the model: a 404 without a code says it is gone.
  if (status === 404) return 'model_not_found';
  if (status === 429) return 'rate_limited';
  if (status === 529) return 'overloaded';
  if (status === 503 && mentionsOverload(message)) return 'overloaded';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'server_error';
  if ((status === 400 || status === 413 || status === 422) && mentionsContextLength(message)) {
    return 'context_length_exceeded';
  }
  return 'bad_request';
}
