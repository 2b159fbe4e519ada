/** Whether a submission may take its answer from the response cache, and leave its own there. */
export interface CacheDirectives {
  read: boolean;
  write: boolean;
}

/**
 * `Cache-Control: no-cache` asks for a fresh answer (which then replaces the cached one);
 * `no-store` also keeps this answer out of the cache; the body's `cache: false` does both.
 * Directives are case-insensitive and may come with others (`no-cache, max-age=0`).
 */
export function cacheDirectives(
  cacheControl: string | undefined,
  bodyCache: boolean | undefined,
): CacheDirectives {
  if (bodyCache === false) return { read: false, write: false };
  const tokens = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((t) => t.trim().split('=')[0]);
  if (tokens.includes('no-store')) return { read: false, write: false };
  if (tokens.includes('no-cache')) return { read: false, write: true };
  return { read: true, write: true };
}
