import { Injectable } from '@nestjs/common';
import { fallbackSnapshotOf, type JobRecord, type RouterJobData } from '@switchyard/jobs';
import {
  ROUTER_QUEUE,
  QueueRegistry,
  routerJobId,
  type AttemptError,
  type AttemptJobData,
} from '@switchyard/redis';
import { circuitKeysOfAll } from '@switchyard/routing';

/** Gives a hop that failed for good to the router, once: the router job's id is deterministic. */
@Injectable()
export class RouterHandoff {
  constructor(private readonly queues: QueueRegistry) {}

  /**
   * `job`, when the caller holds it (as the attempt began; `spentUsd` is what the attempt cost),
   * rides along, so the router decides without reading the job first.
   */
  async handOff(
    attempt: AttemptJobData,
    error: AttemptError,
    job?: JobRecord,
    spentUsd = 0,
  ): Promise<void> {
    const data: RouterJobData = {
      job_id: attempt.job_id,
      hop: attempt.hop,
      candidate: attempt.candidate,
      error,
      trace: attempt.trace,
    };
    if (job) {
      data.job = fallbackSnapshotOf(job, spentUsd);
      // For a router of the previous release, which reads the job and these circuits with it.
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
