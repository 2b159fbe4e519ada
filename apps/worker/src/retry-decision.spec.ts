import { ProviderError } from '@switchyard/providers';
import { retriesOnSameProvider } from './retry-decision';

const rateLimited = (retryAfterMs?: number) =>
  new ProviderError('rate_limited', 'slow down', { provider: 'openai', status: 429, retryAfterMs });
const base = { tryNumber: 0, maxTries: 3, backoffMs: 100 };

describe('retriesOnSameProvider', () => {
  it('a 429 whose retry-after is longer than the deadline left hands off at once', () => {
    expect(
      retriesOnSameProvider({ ...base, error: rateLimited(60_000), remainingMs: 30_000 }),
    ).toBe(false);
  });

  it('a 429 whose retry-after fits in the time left retries on the same provider', () => {
    expect(retriesOnSameProvider({ ...base, error: rateLimited(1_000), remainingMs: 30_000 })).toBe(
      true,
    );
    expect(retriesOnSameProvider({ ...base, error: rateLimited(), remainingMs: 30_000 })).toBe(
      true,
    );
  });

  it('other retryable errors wait only for the backoff; the last try and final errors never retry', () => {
    const overloaded = new ProviderError('overloaded', 'busy', { provider: 'openai' });
    expect(retriesOnSameProvider({ ...base, error: overloaded, remainingMs: 101 })).toBe(true);
    expect(retriesOnSameProvider({ ...base, error: overloaded, remainingMs: 100 })).toBe(false);
    expect(
      retriesOnSameProvider({ ...base, tryNumber: 2, error: overloaded, remainingMs: 30_000 }),
    ).toBe(false);
    const bad = new ProviderError('bad_request', 'no', { provider: 'openai' });
    expect(retriesOnSameProvider({ ...base, error: bad, remainingMs: 30_000 })).toBe(false);
  });
});
