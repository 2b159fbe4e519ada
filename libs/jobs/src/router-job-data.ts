import type { AttemptError, TraceCarrier } from '@switchyard/redis';
import type { JobPlan, JobRecord } from './job.types';

/**
 * The job as the router's usual decision reads it: the failing worker sends it with the hand-off,
 * so the router decides without reading the job first (a round trip less on every fallback).
 * It is the job as that worker's attempt began, with that attempt's cost added. Of what a running
 * job changes, only the cost is carried; its status and hop are checked in Redis by the steps that
 * act on a decision: advancing the hop refuses an ended job, a hop enqueued for a job that moved
 * on stands down when it starts, and failing the job reads it first. No request, no result: the
 * payload stays small.
 */
export type FallbackJobSnapshot = Pick<
  JobRecord,
  'id' | 'tenant' | 'task' | 'deadline_at' | 'max_cost_usd' | 'cost_usd' | 'pin'
> & { plan: Pick<JobPlan, 'candidates'> };

/** A hop that failed for good on its provider; the router decides what happens next. */
export interface RouterJobData {
  job_id: string;
  hop: number;
  candidate: number;
  error: AttemptError;
  trace?: TraceCarrier;
  /**
   * The circuits of the candidates after this one, as the worker saw the plan: a router that
   * reads the job reads them with it instead of after it (a round trip less per fallback).
   */
  circuits?: string[];
  /** The job's routing fields as the worker knew them (absent from hand-offs of older workers). */
  job?: FallbackJobSnapshot;
}

/** What the hand-off carries of `job` after an attempt that cost `spentUsd` (already charged). */
export function fallbackSnapshotOf(job: JobRecord, spentUsd = 0): FallbackJobSnapshot {
  const snapshot: FallbackJobSnapshot = {
    id: job.id,
    tenant: job.tenant,
    task: job.task,
    deadline_at: job.deadline_at,
    cost_usd: job.cost_usd + spentUsd,
    plan: { candidates: job.plan.candidates },
  };
  if (job.max_cost_usd !== undefined) snapshot.max_cost_usd = job.max_cost_usd;
  if (job.pin !== undefined) snapshot.pin = job.pin;
  return snapshot;
}
