import { Inject, Injectable, Logger } from '@nestjs/common';
import { ResponseCache, type JobRecord, type JobResult } from '@switchyard/jobs';
import type { TaskConfig } from '@switchyard/routing';
import { SwitchyardMetrics } from '@switchyard/telemetry';

/** Keeps the answers of jobs that asked for caching, for the next identical request. */
@Injectable()
export class AnswerCache {
  private readonly logger = new Logger('AnswerCache');

  constructor(
    private readonly responseCache: ResponseCache,
    @Inject(SwitchyardMetrics) private readonly metrics: SwitchyardMetrics,
  ) {}

  /**
   * A successful answer (schema-checked already) of a job that asked for caching is kept for its
   * task's cache.ttl_s; the table in force decides, so a task that stopped caching stores nothing.
   */
  async store(ctx: { job: JobRecord; task: TaskConfig }, result: JobResult): Promise<void> {
    const ttl = ctx.task.cache?.ttl_s;
    if (!ctx.job.cache_key || ttl === undefined) return;
    try {
      const stored = await this.responseCache.put(ctx.job.cache_key, ctx.job.id, result, ttl);
      if (stored.stored) this.metrics.cacheStored(ctx.task.name, stored.bytes);
      else this.logger.debug(`job ${ctx.job.id}: answer of ${stored.bytes} bytes not cached`);
    } catch (err) {
      // The cache only saves later calls: losing an entry must never fail the job.
      this.logger.warn(`job ${ctx.job.id}: response cache: ${(err as Error).message}`);
    }
  }
}
