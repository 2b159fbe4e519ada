import type { JobError } from '@switchyard/jobs';
import {
  COUNTS_AGAINST_MODEL,
  COUNTS_AGAINST_PROVIDER,
  ProviderError,
} from '@switchyard/providers';

/**
 * Whether a failed attempt is tried again on the same provider, or handed to the router now.
 * Pure, so the rule is tested without queues. A retry must be able to start before the job's
 * deadline: after the backoff, and for a 429 after the wait the provider asked for (the queue is
 * paused that long) — a retry-after longer than the job can wait hands the job to its fallback at
 * once instead of letting it expire in the paused queue.
 */
export function retriesOnSameProvider(input: {
  error: Pick<ProviderError, 'type' | 'retryAfterMs' | 'policy'>;
  tryNumber: number;
  maxTries: number;
  backoffMs: number;
  remainingMs: number;
}): boolean {
  const { error, tryNumber, maxTries, backoffMs, remainingMs } = input;
  if (!error.policy.retrySameProvider || tryNumber + 1 >= maxTries) return false;
  const waitMs =
    error.type === 'rate_limited' ? Math.max(backoffMs, error.retryAfterMs ?? 0) : backoffMs;
  return remainingMs > waitMs;
}

/** What follows a failed call. */
export interface FailureOutcome {
  next: 'retry' | 'handOff' | 'standDown';
  /** The error as billed: an aborted call without a partial is billed its estimated prompt */
  error: ProviderError;
  /** The error as the attempt's record states it */
  recorded: JobError;
  /** Feed the provider's circuit, and the model's */
  countsAgainstProvider: boolean;
  countsAgainstModel: boolean;
  /** Pause the provider's queue this long: it said to wait (a 429's retry-after) */
  pauseMs?: number;
}

/**
 * Pure. A call aborted because its job ended (a cancel) says nothing about the provider: no
 * circuit failure, no pause, no retry and no hand-off, but it is billed. Any other failure feeds
 * the circuits its type counts against, pauses the provider a 429 asked to wait, and is retried on
 * the same provider (after the task's exponential backoff) or handed to the router.
 */
export function failureOutcome(input: {
  error: ProviderError;
  jobEnded: boolean;
  tryNumber: number;
  maxTries: number;
  /** The task's retry.backoff_ms, doubled per try */
  backoffBaseMs: number;
  remainingMs: number;
  /** The plan's estimate of the prompt, billed for an aborted call that streamed nothing */
  estimatedInputTokens: number;
}): FailureOutcome {
  const { error, tryNumber } = input;
  if (input.jobEnded) {
    const billed = withEstimatedPrompt(error, input.estimatedInputTokens);
    return {
      next: 'standDown',
      error: billed,
      recorded: { type: billed.type, message: `the job ended during the call: ${billed.message}` },
      countsAgainstProvider: false,
      countsAgainstModel: false,
    };
  }
  const retries = retriesOnSameProvider({
    ...input,
    backoffMs: input.backoffBaseMs * 2 ** tryNumber,
  });
  const outcome: FailureOutcome = {
    next: retries ? 'retry' : 'handOff',
    error,
    recorded: { type: error.type, message: error.message },
    countsAgainstProvider: COUNTS_AGAINST_PROVIDER[error.type],
    countsAgainstModel: COUNTS_AGAINST_MODEL[error.type],
  };
  if (error.type === 'rate_limited' && error.retryAfterMs) outcome.pauseMs = error.retryAfterMs;
  return outcome;
}

/**
 * An aborted call the provider had started is billed: what it had streamed, or at least the
 * estimated prompt, marked as an estimate.
 */
function withEstimatedPrompt(error: ProviderError, estimatedInputTokens: number): ProviderError {
  if (error.partial) return error;
  return new ProviderError(error.type, error.message, {
    provider: error.provider,
    status: error.status,
    requestId: error.requestId,
    cause: error.cause,
    partial: {
      text: '',
      usage: { input_tokens: estimatedInputTokens, output_tokens: 0 },
      usage_estimated: true,
    },
  });
}
