import { LedgerQueryError } from './ledger-query-error';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const MIN_BUCKET_MS = 60_000;
const MAX_BUCKET_MS = 86_400_000;
/** More buckets than a plot can show is a mistake (or a way to make the database work hard). */
export const MAX_SERIES_BUCKETS = 2_000;

/** `15m`, `1h`, `1d`: a bucket width from one minute to one day, in milliseconds. */
export function parseBucket(raw: string): number {
  const m = /^([1-9]\d{0,3})([mhd])$/.exec(raw);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  if (!(ms >= MIN_BUCKET_MS && ms <= MAX_BUCKET_MS)) {
    throw new LedgerQueryError('bucket: must be a width from 1m to 1d, such as 15m, 1h or 1d');
  }
  return ms;
}

/** The window [since, until) cut into buckets of `bucketMs`, checked against MAX_SERIES_BUCKETS. */
export function checkSeriesWindow(since: Date, until: Date, bucketMs: number): void {
  if (until.getTime() <= since.getTime()) {
    throw new LedgerQueryError('since: must be before until');
  }
  const buckets = Math.ceil((until.getTime() - since.getTime()) / bucketMs);
  if (buckets > MAX_SERIES_BUCKETS) {
    throw new LedgerQueryError(
      `bucket: ${buckets} buckets between since and until; at most ${MAX_SERIES_BUCKETS} (widen the bucket or shorten the window)`,
    );
  }
}
