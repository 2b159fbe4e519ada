import type { JobError, JobRecord, JobResult } from '../job.types';

/** How a step ends a job: with its result, or with an error. */
export type JobEnd =
  { status: 'succeeded'; result: JobResult } | { status: 'failed'; error: JobError };

/**
 * The record as the winning terminal transition (JobStore's finalize) leaves it, from the record
 * the step held and what it wrote: the finalizer builds the completion webhook from this rather
 * than reading back what it has just written.
 */
export function endedRecord(job: JobRecord, end: JobEnd, finalizer: string, at: Date): JobRecord {
  const when = at.toISOString();
  const ended: JobRecord = {
    ...job,
    status: end.status,
    finalized_by: finalizer,
    finished_at: when,
    updated_at: when,
  };
  if (end.status === 'failed') return { ...ended, error: end.error };
  // The transition charges the result's cost to the job, once.
  return {
    ...ended,
    result: end.result,
    cost_usd: job.cost_usd + Math.max(0, end.result.cost_usd),
  };
}

/**
 * What a step owes the job it ended before its process died, cut short before the follow-ups
 * (completion webhook, notice) went out: the same end again, whose follow-ups are idempotent.
 * Nothing when another step ended the job (or it has not ended).
 */
export function endOwedBy(job: JobRecord, step: string): JobEnd | undefined {
  if (job.finalized_by !== step) return undefined;
  if (job.status === 'succeeded' && job.result) return { status: 'succeeded', result: job.result };
  if (job.status === 'failed' && job.error) return { status: 'failed', error: job.error };
  return undefined;
}
