import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { SwitchyardConfig } from '@switchyard/config';
import { createRedisClient, providerQueueName, type AttemptJobData } from '@switchyard/redis';
import { RoutingTableHolder } from '@switchyard/routing';
import { SWITCHYARD_CONFIG } from '@switchyard/runtime';
import { runInExtractedContext } from '@switchyard/telemetry';
import { AttemptProcessor, type AttemptOutcome } from './attempt-processor';
import { StuckAttemptRescuer } from './stuck-attempt-rescuer';

export const WORKER_PROVIDERS = Symbol('WORKER_PROVIDERS');

/** A limiter that only serves to make BullMQ honour Queue.rateLimit(): no provider is this fast. */
export const UNLIMITED_PER_MINUTE = 1_000_000_000;

/**
 * One BullMQ Worker per provider this process serves, each with the provider's concurrency and
 * rate limit from the routing table. On shutdown the workers stop taking jobs and let the calls in
 * flight finish (a job still running when the process dies is recovered by stalled-job checks).
 */
@Injectable()
export class ProviderWorkerPool implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkerPool');
  private readonly workers: Worker<AttemptJobData, AttemptOutcome>[] = [];

  constructor(
    @Inject(WORKER_PROVIDERS) private readonly providerNames: string[] | 'all',
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly routing: RoutingTableHolder,
    private readonly processor: AttemptProcessor,
    private readonly rescuer: StuckAttemptRescuer,
  ) {}

  onApplicationBootstrap(): void {
    const table = this.routing.current;
    const names = this.providerNames === 'all' ? Object.keys(table.providers) : this.providerNames;
    for (const name of names) {
      const provider = table.providers[name];
      if (!provider) {
        throw new Error(
          `provider "${name}" is not in the routing table (known: ${Object.keys(table.providers).join(', ')})`,
        );
      }
      const limiter = provider.rate_limit?.requests_per_minute
        ? { max: provider.rate_limit.requests_per_minute, duration: 60_000 }
        : undefined;
      // BullMQ honours a queue's rateLimit() (the pause a 429 asks for) only in workers that have a
      // limiter, so a provider without requests_per_minute gets one that never limits on its own.
      const workerLimiter = limiter ?? { max: UNLIMITED_PER_MINUTE, duration: 60_000 };
      const worker = new Worker<AttemptJobData, AttemptOutcome>(
        providerQueueName(name),
        (job: Job<AttemptJobData>) =>
          runInExtractedContext(job.data.trace ?? {}, () => this.processor.process(job)),
        {
          connection: createRedisClient(this.redisUrl, 'consumer', `worker-${name}`),
          prefix: this.config.queuePrefix,
          concurrency: provider.concurrency,
          limiter: workerLimiter,
          // A call may legitimately run for the provider's whole timeout; the lock is renewed meanwhile.
          // A crashed worker's attempts are only taken up again once their lock has expired.
          lockDuration: this.config.lockDurationMs,
          stalledInterval: this.config.stalledIntervalMs,
          maxStalledCount: 2,
        },
      );
      worker.on('error', (err) => this.logger.warn(`${name} worker: ${err.message}`));
      worker.on('failed', (job, err) => {
        if (job) void this.rescuer.onFailed(job, err);
      });
      this.workers.push(worker);
      this.logger.log(
        `serving ${providerQueueName(name)} (concurrency ${provider.concurrency}${limiter ? `, ${limiter.max}/min` : ''})`,
      );
    }
  }

  // Before any onApplicationShutdown: the Redis connections and the ledger must outlive the calls in flight.
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  private get redisUrl(): string {
    return this.config.redisUrl ?? 'redis://127.0.0.1:6379';
  }
}
