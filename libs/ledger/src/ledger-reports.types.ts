import type { StatsGroupBy } from './call-record.types';

export interface SeriesQuery {
  tenant: string;
  task?: string;
  group_by: StatsGroupBy;
  /** Bucket width, e.g. `1h` (see parseBucket) */
  bucket: string;
  /** Calls started at or after this instant */
  since: Date | string;
  until?: Date | string;
}

export interface SeriesPoint {
  /** Start of the bucket, ISO 8601 */
  t: string;
  calls: number;
  errors: number;
  error_rate: number;
  /** Invalid outputs among schema-checked calls; null when none was checked */
  invalid_output_rate: number | null;
  latency_ms: { p50: number; p95: number };
  mean_cost_usd: number;
}

export interface SeriesGroup {
  group: string | null;
  /** The first call of this group ever (not only inside the window): when a revision appeared */
  first_seen: string;
  points: SeriesPoint[];
}

export interface SeriesResult {
  task: string | null;
  group_by: StatsGroupBy;
  bucket: string;
  bucket_ms: number;
  since: string;
  until: string;
  series: SeriesGroup[];
}

export interface ReportQuery {
  tenant: string;
  since: Date | string;
  until?: Date | string;
}

/** What the ledger knows about one task in a report window. */
export interface LedgerTaskTotals {
  task: string;
  calls: number;
  jobs: number;
  /** Jobs with at least one successful call */
  succeeded_jobs: number;
  /** Jobs with at least one call that ran on a fallback */
  fallback_jobs: number;
  spend_usd: number;
}

export interface LedgerDailySpend {
  task: string;
  /** YYYY-MM-DD (UTC) */
  day: string;
  spend_usd: number;
}

export interface LedgerReportData {
  since: string;
  until: string;
  tasks: LedgerTaskTotals[];
  daily: LedgerDailySpend[];
}
