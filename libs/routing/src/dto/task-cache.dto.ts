import { IsDefined, IsInt, Max, Min } from 'class-validator';

/** One week: a cached answer older than that is more likely stale than useful. */
export const MAX_CACHE_TTL_S = 7 * 24 * 3600;

export class TaskCacheDto {
  @IsDefined({ message: 'is required' })
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(1, { message: 'must be at least 1' })
  @Max(MAX_CACHE_TTL_S, { message: `must be at most ${MAX_CACHE_TTL_S} (one week)` })
  ttl_s!: number;
}
