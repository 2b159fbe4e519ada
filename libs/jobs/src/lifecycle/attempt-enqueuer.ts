import { Injectable } from '@nestjs/common';
import type { JobRecord } from '../job.types';
import {
  QueueRegistry,
  attemptJobId,
  providerQueueName,
  type AttemptJobData,
} from '@switchyard/redis';
import { RoutingTableHolder } from '@switchyard/routing';

export type AttemptTarget = Omit<AttemptJobData, 'job_id'>;

/** Puts one hop of a job on its provider's queue; used by the ingress (hop 0) and the router. */
@Injectable()
export class AttemptEnqueuer {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly routing: RoutingTableHolder,
  ) {}

  async enqueue(job: Pick<JobRecord, 'id' | 'task'>, target: AttemptTarget): Promise<void> {
    const retry = this.routing.current.tasks[job.task]?.retry ?? { attempts: 1, backoff_ms: 0 };
    const data: AttemptJobData = { job_id: job.id, ...target };
    await this.queues.add(providerQueueName(target.provider), 'attempt', data, {
      jobId: attemptJobId(job.id, target.hop),
      attempts: Math.max(1, retry.attempts),
      backoff: { type: 'exponential', delay: retry.backoff_ms },
      // Completed hops are only kept long enough to de-duplicate a re-run enqueue.
      removeOnComplete: { age: 3600, count: 10000 },
      removeOnFail: { age: 7 * 86400 },
    });
  }
}
