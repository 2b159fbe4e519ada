import { ProviderError, isProviderError } from '@switchyard/providers';

/** Adapters only throw ProviderError; anything else is a bug in the mapping, classified so the job still moves on. */
export function toProviderError(err: unknown, provider: string): ProviderError {
  if (isProviderError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError('malformed_response', `unexpected adapter failure: ${message}`, {
    provider,
    cause: err,
  });
}
