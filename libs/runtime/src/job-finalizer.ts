import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  JobCompletionChannel,
  JobStore,
  toJobView,
  type FinalizeOutcome,
  type JobError,
  type JobRecord,
  type JobResult,
  type JobStatus,
} from '@switchyard/jobs';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { WebhookPublisher } from '@switchyard/webhooks';

/**
 * The one way a job ends. The terminal transition is atomic in Redis; whoever wins it (or re-runs
 * as the same finalizer after a crash) emits the completion event, so every job yields exactly
 * one `job.succeeded` or `job.failed` however often a step is retried.
 */
@Injectable()
export class JobFinalizer {
  private readonly logger = new Logger('JobFinalizer');

  constructor(
    private readonly jobs: JobStore,
    private readonly completions: JobCompletionChannel,
    private readonly webhooks: WebhookPublisher,
    @Inject(SwitchyardMetrics) private readonly metrics: SwitchyardMetrics,
  ) {}

  async succeed(job: JobRecord, result: JobResult, finalizer: string): Promise<FinalizeOutcome> {
    const announce = !job.request.webhook_url;
    const outcome = await this.jobs.succeed(job.id, result, finalizer, { announce });
    await this.afterFinalize(job.id, outcome, { task: job.task, status: 'succeeded', announce });
    return outcome;
  }

  /**
   * `keepActive`: the job stays in the active index until the caller drops it, after this
   * returns (the deadline sweeper, which finds it there again should the announcement not finish).
   */
  async fail(
    job: JobRecord,
    error: JobError,
    finalizer: string,
    options: { keepActive?: boolean } = {},
  ): Promise<FinalizeOutcome> {
    const announce = !job.request.webhook_url;
    const outcome = await this.jobs.fail(job.id, error, finalizer, {
      announce,
      keepActive: options.keepActive,
    });
    await this.afterFinalize(job.id, outcome, { task: job.task, status: 'failed', announce });
    return outcome;
  }

  async cancel(jobId: string): Promise<FinalizeOutcome> {
    const outcome = await this.jobs.cancel(jobId);
    if (outcome === 'finalized') await this.afterFinalize(jobId, outcome);
    return outcome;
  }

  /**
   * `known` is what the caller already holds: a job without a webhook was announced by the
   * transition itself and needs nothing more read back. Otherwise the webhook goes out first (its
   * delivery record is part of the job a waiting caller then reads), then the notice.
   */
  private async afterFinalize(
    jobId: string,
    outcome: FinalizeOutcome,
    known?: { task: string; status: JobStatus; announce: boolean },
  ): Promise<void> {
    if (outcome !== 'finalized' && outcome !== 'already_finalized_by_me') return;
    if (known?.announce) {
      if (outcome === 'finalized') this.metrics.jobFinished(known.task, known.status);
      return;
    }
    const job = await this.jobs.get(jobId);
    if (!job) return;
    if (outcome === 'finalized') this.metrics.jobFinished(job.task, job.status);
    if (job.request.webhook_url && (job.status === 'succeeded' || job.status === 'failed')) {
      const attempts = await this.jobs.attempts(jobId);
      await this.webhooks.publishJobCompletion(
        { id: job.id, webhook_url: job.request.webhook_url, trace: job.trace },
        job.status === 'succeeded' ? 'job.succeeded' : 'job.failed',
        toJobView(job, attempts),
      );
    }
    await this.completions
      .publish(jobId)
      .catch((err: Error) => this.logger.warn(`completion notify failed: ${err.message}`));
  }
}
