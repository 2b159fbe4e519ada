import { Injectable } from '@nestjs/common';
import type { JobRecord } from '@switchyard/jobs';
import {
  ROUTER_QUEUE,
  QueueRegistry,
  routerJobId,
  type AttemptError,
  type AttemptJobData,
  type RouterJobData,
} from '@switchyard/redis';
import { circuitKeysOfAll } from '@switchyard/routing';

/** Gives a hop that failed for good to the router, once: the router job's id is deterministic. */
@Injectable()
export class RouterHandoff {
  constructor(private readonly queues: QueueRegistry) {}

  /** `job`, when the caller holds it, lets the router read the circuits it needs with the job. */
  async handOff(attempt: AttemptJobData, error: AttemptError, job?: JobRecord): Promise<void> {
    const data: RouterJobData = {
      job_id: attempt.job_id,
      hop: attempt.hop,
      candidate: attempt.candidate,
      error,
      trace: attempt.trace,
    };
    if (job) {
      data.circuits = circuitKeysOfAll(job.plan.candidates.slice(attempt.candidate + 1));
    }
    await this.queues.add(ROUTER_QUEUE, 'route', data, {
      jobId: routerJobId(attempt.job_id, attempt.hop),
      // The router's own steps are idempotent, so a decision that hit a Redis blip is simply retried.
      attempts: 10,
      backoff: { type: 'exponential', delay: 200 },
      removeOnComplete: { age: 3600, count: 10000 },
      removeOnFail: { age: 7 * 86400 },
    });
  }
}
