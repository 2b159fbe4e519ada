import type { AttemptRecord, JobRecord } from './job.types';

export interface WebhookView {
  status: string;
  attempts: number;
  last_status_code: number | null;
  next_attempt_at: string | null;
}

/** The job as the API shows it (GET /v1/jobs/:id, list entries, webhook `data`). */
export interface JobView {
  id: string;
  status: JobRecord['status'];
  task: string;
  plan: Array<{ provider: string; model: string }>;
  /** The routing-table rule that matched the job, or null (always set by toJobView) */
  rule?: string | null;
  /** The split arm its primary was drawn from, or null (always set by toJobView) */
  split?: string | null;
  skipped?: JobRecord['plan']['skipped'];
  result?: JobRecord['result'];
  attempts?: Array<Omit<AttemptRecord, 'hop' | 'try'> & { hop: number; try: number }>;
  error?: JobRecord['error'];
  cost_usd: number;
  /** Answered from the response cache with the result of this job */
  cache_hit_of?: string;
  trace_id?: string;
  metadata?: Record<string, unknown>;
  /** The job's only candidate, when it was pinned */
  pin?: string;
  /** The evaluation run that submitted it */
  eval_run_id?: string;
  webhook?: WebhookView;
  created_at: string;
  updated_at: string;
  started_at?: string;
  finished_at?: string;
}

export function toJobView(
  job: JobRecord,
  attempts?: AttemptRecord[],
  webhook?: WebhookView | null,
): JobView {
  return {
    id: job.id,
    status: job.status,
    task: job.task,
    plan: job.plan.candidates.map((c) => ({ provider: c.provider, model: c.model })),
    rule: job.plan.rule ?? null,
    split: job.plan.split ?? null,
    // The record keeps the planner's whole entry; the view shows what it always showed.
    skipped: job.plan.skipped.length
      ? job.plan.skipped.map(({ provider, model, reason, detail }) => ({
          provider,
          model,
          reason,
          detail,
        }))
      : undefined,
    result: job.result,
    attempts,
    error: job.error,
    cost_usd: job.cost_usd,
    cache_hit_of: job.cache_hit_of,
    trace_id: job.trace_id,
    metadata: job.request.metadata,
    pin: job.pin,
    eval_run_id: job.eval_run_id,
    webhook: webhook ?? undefined,
    created_at: job.created_at,
    updated_at: job.updated_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
  };
}
