import type { ProviderError } from '@switchyard/providers';

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
