/** Anything with a case-insensitive `get`, such as the fetch Headers the SDKs expose. */
export interface HeaderLookup {
  get(name: string): string | null | undefined;
}

/**
 * The wait a provider asks for before the next call: `retry-after-ms` (OpenAI) wins over
 * `retry-after`, which is either delta-seconds or an HTTP date.
 */
export function parseRetryAfterMs(
  headers: HeaderLookup | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A protobuf Duration in its JSON form ("33s", "1.5s"), as in google.rpc.RetryInfo.retryDelay. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}
