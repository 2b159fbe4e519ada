import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { SwitchyardConfig } from '@switchyard/config';
import type { RouterJobData } from '@switchyard/jobs';
import { ROUTER_QUEUE, createRedisClient } from '@switchyard/redis';
import { SWITCHYARD_CONFIG } from '@switchyard/runtime';
import {
  ATTR_SWITCHYARD_ATTEMPT,
  ATTR_SWITCHYARD_FALLBACK_REASON,
  ATTR_SWITCHYARD_JOB_ID,
  attemptNumber,
  runInExtractedContext,
  withSpan,
} from '@switchyard/telemetry';
import { RouteProcessor } from './route-processor';

/** Consumes the router queue: one decision per failed hop. */
@Injectable()
export class RouteWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RouteWorker');
  private worker?: Worker<RouterJobData, string>;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly processor: RouteProcessor,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<RouterJobData, string>(
      ROUTER_QUEUE,
      (job: Job<RouterJobData>) =>
        runInExtractedContext(job.data.trace ?? {}, () =>
          withSpan(
            'switchyard.route',
            {
              [ATTR_SWITCHYARD_JOB_ID]: job.data.job_id,
              // The attempt that failed, numbered as on its call span.
              [ATTR_SWITCHYARD_ATTEMPT]: attemptNumber(job.data.hop),
              [ATTR_SWITCHYARD_FALLBACK_REASON]: job.data.error.type,
            },
            () => this.processor.process(job),
          ),
        ),
      {
        connection: createRedisClient(
          this.config.redisUrl ?? 'redis://127.0.0.1:6379',
          'consumer',
          'router',
        ),
        prefix: this.config.queuePrefix,
        concurrency: 50,
        // A decision cut short by a crash is taken up again once its lock expires.
        lockDuration: this.config.lockDurationMs,
        stalledInterval: this.config.stalledIntervalMs,
        maxStalledCount: 5,
      },
    );
    this.worker.on('error', (err) => this.logger.warn(err.message));
    this.logger.log(`serving ${ROUTER_QUEUE}`);
  }

  // Before any onApplicationShutdown: the Redis connections and the ledger must outlive the calls in flight.
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
