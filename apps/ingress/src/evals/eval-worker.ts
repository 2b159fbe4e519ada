import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { SwitchyardConfig } from '@switchyard/config';
import { EVALS_QUEUE, createRedisClient, type EvalRunJobData } from '@switchyard/redis';
import { SWITCHYARD_CONFIG } from '@switchyard/runtime';
import { EvalRunner } from './eval-runner.service';

/**
 * Consumes the `evals` queue in the ingress, where the submission path lives. A run survives the
 * process that executes it: BullMQ hands a stalled run to another ingress (or this one restarted),
 * which skips the results stored and re-submits the rest under the same Idempotency-Keys.
 */
@Injectable()
export class EvalWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EvalWorker');
  private worker?: Worker<EvalRunJobData, void>;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runner: EvalRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<EvalRunJobData, void>(
      EVALS_QUEUE,
      (job: Job<EvalRunJobData>) => this.runner.execute(job.data.run_id, job.data.concurrency),
      {
        connection: createRedisClient(
          this.config.redisUrl ?? 'redis://127.0.0.1:6379',
          'consumer',
          'evals',
        ),
        prefix: this.config.queuePrefix,
        concurrency: this.config.evalsConcurrency,
        lockDuration: this.config.lockDurationMs,
        stalledInterval: this.config.stalledIntervalMs,
        maxStalledCount: 10,
      },
    );
    this.worker.on('error', (err) => this.logger.warn(err.message));
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`eval run ${job?.data.run_id}: ${err.message}`),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Not waiting for a run in progress (it may take minutes): it stalls, and the next ingress resumes it.
    await this.worker?.close(true);
  }
}
