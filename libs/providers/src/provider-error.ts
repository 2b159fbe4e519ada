import type { PartialOutput } from './provider.types';

/**
 * One error taxonomy for every provider. The worker and the router decide on `type` alone, so an
 * adapter's whole job on failure is to pick the right type.
 */
export const PROVIDER_ERROR_TYPES = [
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'network',
  'auth',
  'bad_request',
  'context_length_exceeded',
  'model_not_found',
  'content_filtered',
  'invalid_output',
  'malformed_response',
] as const;

export type ProviderErrorType = (typeof PROVIDER_ERROR_TYPES)[number];

export interface ErrorPolicy {
  /** Worth another try on the same provider (within the task's retry settings). */
  retrySameProvider: boolean;
  /** Worth moving the job to the next candidate of its plan. */
  fallback: boolean;
}

export const ERROR_POLICY: Record<ProviderErrorType, ErrorPolicy> = {
  rate_limited: { retrySameProvider: true, fallback: true },
  overloaded: { retrySameProvider: true, fallback: true },
  server_error: { retrySameProvider: true, fallback: true },
  timeout: { retrySameProvider: true, fallback: true },
  network: { retrySameProvider: true, fallback: true },
  malformed_response: { retrySameProvider: true, fallback: true },
  // Another provider holds another key and another window, so these move on without retrying.
  auth: { retrySameProvider: false, fallback: true },
  context_length_exceeded: { retrySameProvider: false, fallback: true },
  // The model was retired or renamed: asking it again cannot help, another model can.
  model_not_found: { retrySameProvider: false, fallback: true },
  // Whether invalid output falls back is the task's call (on_invalid_output); the router asks.
  invalid_output: { retrySameProvider: false, fallback: true },
  // The request itself is at fault: no other provider will do better.
  bad_request: { retrySameProvider: false, fallback: false },
  content_filtered: { retrySameProvider: false, fallback: false },
};

/** Failures that say something about the provider's health (and so feed the circuit breaker). */
export const COUNTS_AGAINST_PROVIDER: Record<ProviderErrorType, boolean> = {
  rate_limited: false,
  overloaded: true,
  server_error: true,
  timeout: true,
  network: true,
  malformed_response: true,
  auth: true,
  context_length_exceeded: false,
  // The provider answered fine; only this one model is gone (see COUNTS_AGAINST_MODEL).
  model_not_found: false,
  invalid_output: false,
  bad_request: false,
  content_filtered: false,
};

/**
 * Failures that say something about one model's health (and so feed its "provider/model"
 * circuit): all that count against its provider, plus a model the provider no longer knows, so
 * new jobs skip a retired model at planning instead of paying a call to learn it again.
 */
export const COUNTS_AGAINST_MODEL: Record<ProviderErrorType, boolean> = {
  ...COUNTS_AGAINST_PROVIDER,
  model_not_found: true,
};

export interface ProviderErrorInit {
  provider: string;
  /** What the call had streamed before it failed, when it had streamed anything. */
  partial?: PartialOutput;
  status?: number;
  retryAfterMs?: number;
  requestId?: string;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly type: ProviderErrorType;
  readonly provider: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  readonly partial?: PartialOutput;

  constructor(type: ProviderErrorType, message: string, init: ProviderErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.type = type;
    this.provider = init.provider;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.partial = init.partial;
  }

  get policy(): ErrorPolicy {
    return ERROR_POLICY[this.type];
  }

  toJSON(): { type: ProviderErrorType; message: string; status?: number; retry_after_ms?: number } {
    return {
      type: this.type,
      message: this.message,
      status: this.status,
      retry_after_ms: this.retryAfterMs,
    };
  }
}

export function isProviderError(err: unknown): err is ProviderError {
  return err instanceof ProviderError;
}
