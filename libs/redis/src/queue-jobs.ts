/**
 * What rides on the provider queues. Job payloads stay small: the job record in Redis holds the
 * request, the queues carry only which job, which hop, and the trace context. (The router queue's
 * payload, which carries the job's routing fields too, is `RouterJobData` in `@switchyard/jobs`.)
 */
export type TraceCarrier = Record<string, string>;

/** One attempt of a job on one candidate of its plan, on that provider's queue. */
export interface AttemptJobData {
  job_id: string;
  /** 0 for the first candidate tried, +1 for each hand-off */
  hop: number;
  /** Index into the job's plan candidates */
  candidate: number;
  provider: string;
  model: string;
  /** Why the job arrived here: absent on the first hop, the previous error type after */
  fallback_reason?: string;
  trace?: TraceCarrier;
}

export interface AttemptError {
  type: string;
  message: string;
}

/**
 * Deterministic BullMQ ids make every follow-up enqueue idempotent: a worker or router that
 * crashes after enqueueing and runs the same step again adds nothing new.
 * (BullMQ forbids ':' in custom ids.)
 */
export function attemptJobId(jobId: string, hop: number): string {
  return `${jobId}.h${hop}`;
}

export function routerJobId(jobId: string, hop: number): string {
  return `${jobId}.h${hop}.route`;
}

/** One evaluation run to execute; its BullMQ id is the run id. */
export interface EvalRunJobData {
  run_id: string;
  /** Jobs of the run in flight at once */
  concurrency: number;
}
