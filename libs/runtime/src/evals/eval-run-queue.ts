import { randomBytes } from 'node:crypto';
import { EVALS_QUEUE, type EvalRunJobData, type QueueRegistry } from '@switchyard/redis';

/** The tenant of scheduled runs and their jobs: the operators', so every tenant may read them. */
export const SCHEDULED_EVAL_TENANT = '_scheduled';

export function newEvalRunId(): string {
  return `eval_${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;
}

/** The run's BullMQ id is its own id: queueing it twice is a no-op. */
export async function enqueueEvalRun(queues: QueueRegistry, data: EvalRunJobData): Promise<void> {
  await queues.add(EVALS_QUEUE, 'eval-run', data, {
    jobId: data.run_id,
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: 86_400 },
    removeOnFail: { age: 7 * 86_400 },
  });
}
