import { ProviderError } from '@switchyard/providers';
import { failureOutcome, retriesOnSameProvider } from './retry-decision';

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

describe('failureOutcome', () => {
  const base = {
    jobEnded: false,
    tryNumber: 0,
    maxTries: 3,
    backoffBaseMs: 100,
    remainingMs: 30_000,
    estimatedInputTokens: 40,
  };
  const serverError = new ProviderError('server_error', '500', { provider: 'openai', status: 500 });

  it('retries a retryable failure on the same provider and counts it against both circuits', () => {
    expect(failureOutcome({ ...base, error: serverError })).toEqual({
      next: 'retry',
      error: serverError,
      recorded: { type: 'server_error', message: '500' },
      countsAgainstProvider: true,
      countsAgainstModel: true,
    });
  });

  it('hands off after the last try, or when the doubled backoff would outlast the deadline', () => {
    expect(failureOutcome({ ...base, error: serverError, tryNumber: 2 }).next).toBe('handOff');
    // try 3 of 5 waits 100 * 2^3 = 800 ms
    expect(
      failureOutcome({ ...base, error: serverError, tryNumber: 3, maxTries: 5, remainingMs: 800 })
        .next,
    ).toBe('handOff');
    expect(
      failureOutcome({ ...base, error: serverError, tryNumber: 3, maxTries: 5, remainingMs: 801 })
        .next,
    ).toBe('retry');
  });

  it('pauses the provider a 429 asked to wait, without counting it against a circuit', () => {
    expect(failureOutcome({ ...base, error: rateLimited(5_000) })).toMatchObject({
      next: 'retry',
      pauseMs: 5_000,
      countsAgainstProvider: false,
      countsAgainstModel: false,
    });
    expect(failureOutcome({ ...base, error: rateLimited() }).pauseMs).toBeUndefined();
  });

  it('counts a retired model against its model only', () => {
    const gone = new ProviderError('model_not_found', '404', { provider: 'openai', status: 404 });
    expect(failureOutcome({ ...base, error: gone })).toMatchObject({
      next: 'handOff',
      countsAgainstProvider: false,
      countsAgainstModel: true,
    });
  });

  it('stands down after a call its job ended, billing the estimated prompt and counting nothing', () => {
    const outcome = failureOutcome({ ...base, error: serverError, jobEnded: true });
    expect(outcome).toMatchObject({
      next: 'standDown',
      recorded: { type: 'server_error', message: 'the job ended during the call: 500' },
      countsAgainstProvider: false,
      countsAgainstModel: false,
    });
    expect(outcome.pauseMs).toBeUndefined();
    expect(outcome.error.partial).toEqual({
      text: '',
      usage: { input_tokens: 40, output_tokens: 0 },
      usage_estimated: true,
    });
    // What the call had streamed is billed as it is.
    const partial = {
      text: 'par',
      usage: { input_tokens: 7, output_tokens: 3 },
      usage_estimated: false,
    };
    const cut = new ProviderError('network', 'cut', { provider: 'openai', partial });
    expect(failureOutcome({ ...base, error: cut, jobEnded: true }).error.partial).toBe(partial);
  });
});
