import { Inject, Injectable, Logger } from '@nestjs/common';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { WebhookPublisher } from '@switchyard/webhooks';
import { JobCompletionChannel } from '../job-completion-channel';
import { JobStore, type FinalizeOutcome } from '../job-store';
import type { JobError, JobRecord, JobResult } from '../job.types';
import { isTerminal } from '../job.types';
import { toJobView } from '../job-view';
import { endOwedBy, endedRecord, type JobEnd } from './job-end';

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

  /** `ledgerRow`: for a job that ends without an attempt (a cached answer), its call's row. */
  async succeed(
    job: JobRecord,
    result: JobResult,
    finalizer: string,
    options: { ledgerRow?: string } = {},
  ): Promise<FinalizeOutcome> {
    return this.end(job, { status: 'succeeded', result }, finalizer, options);
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
    return this.end(job, { status: 'failed', error }, finalizer, options);
  }

  /** A cancelled job sends no webhook: its end is announced by the transition itself. */
  async cancel(job: JobRecord): Promise<FinalizeOutcome> {
    const outcome = await this.jobs.cancel(job.id, { announce: true });
    if (outcome === 'finalized') this.metrics.jobFinished(job.task, 'cancelled');
    return outcome;
  }

  /**
   * The step that ended this job died before its follow-ups went out: a re-run of the same step
   * (BullMQ's, or the sweeper's next pass) sends them now. Does nothing for a job another step
   * ended; returns whether the step owed the job its end.
   */
  async announceAgain(
    job: JobRecord,
    step: string,
    options: { keepActive?: boolean } = {},
  ): Promise<boolean> {
    const end = endOwedBy(job, step);
    if (end) await this.end(job, end, step, options);
    return end !== undefined;
  }

  /**
   * A job without a webhook is announced by the transition itself. Otherwise the webhook goes out
   * first (its delivery record is part of the job a waiting caller then reads), then the notice.
   */
  private async end(
    job: JobRecord,
    end: JobEnd,
    finalizer: string,
    options: { keepActive?: boolean; ledgerRow?: string } = {},
  ): Promise<FinalizeOutcome> {
    const webhookUrl = job.request.webhook_url;
    const now = new Date();
    const transition = {
      announce: !webhookUrl,
      keepActive: options.keepActive,
      ledgerRow: options.ledgerRow,
      now,
    };
    const outcome =
      end.status === 'succeeded'
        ? await this.jobs.succeed(job.id, end.result, finalizer, transition)
        : await this.jobs.fail(job.id, end.error, finalizer, transition);
    if (outcome === 'finalized') this.metrics.jobFinished(job.task, end.status);
    if (!webhookUrl || (outcome !== 'finalized' && outcome !== 'already_finalized_by_me')) {
      return outcome;
    }
    // A re-run holds the ended record already; only a rival run of the same step may not.
    const ended =
      outcome === 'finalized'
        ? endedRecord(job, end, finalizer, now)
        : isTerminal(job.status)
          ? job
          : await this.jobs.get(job.id);
    if (!ended) return outcome;
    if (ended.status === 'succeeded' || ended.status === 'failed') {
      const attempts = await this.jobs.attempts(job.id);
      await this.webhooks.publishJobCompletion(
        { id: job.id, webhook_url: webhookUrl, trace: job.trace },
        ended.status === 'succeeded' ? 'job.succeeded' : 'job.failed',
        toJobView(ended, attempts),
      );
    }
    await this.completions
      .publish(job.id)
      .catch((err: Error) => this.logger.warn(`completion notify failed: ${err.message}`));
    return outcome;
  }
}
