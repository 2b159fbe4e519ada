import { Injectable } from '@nestjs/common';
import {
  InvalidCursorError,
  isTerminal,
  JobCompletionChannel,
  JobFinalizer,
  JobStore,
  toJobView,
  type CompletionMark,
  type JobListFilter,
  type JobRecord,
  type JobView,
} from '@switchyard/jobs';
import { WebhookDeliveryStore, WebhookPublisher } from '@switchyard/webhooks';
import { ApiError } from '../http/api-error';
import type { Submission } from './job-submission.service';

/** Reads, lists, cancels and waits on jobs, always within the caller's tenant. */
@Injectable()
export class JobQueryService {
  constructor(
    private readonly jobs: JobStore,
    private readonly completions: JobCompletionChannel,
    private readonly finalizer: JobFinalizer,
    private readonly deliveries: WebhookDeliveryStore,
    private readonly webhooks: WebhookPublisher,
  ) {}

  async view(tenant: string, id: string): Promise<JobView> {
    const { job: found, attempts } = await this.jobs.getWithAttempts(id);
    const job = ownedBy(tenant, id, found);
    const webhook = job.request.webhook_url ? await this.deliveries.get(id) : null;
    return toJobView(job, attempts, webhook);
  }

  async list(
    tenant: string,
    filter: JobListFilter,
  ): Promise<{ jobs: JobView[]; next_cursor: string | null }> {
    try {
      const page = await this.jobs.list(tenant, filter);
      return { jobs: page.jobs.map((j) => toJobView(j)), next_cursor: page.next_cursor };
    } catch (err) {
      if (err instanceof InvalidCursorError) throw ApiError.field('cursor', err.message);
      throw err;
    }
  }

  async cancel(tenant: string, id: string): Promise<JobView> {
    const job = await this.owned(tenant, id);
    if (isTerminal(job.status)) {
      throw new ApiError(409, 'job_finished', `job ${id} already ended with status ${job.status}`);
    }
    // A hop already on a queue wakes up, sees the job cancelled and stands down.
    await this.finalizer.cancel(job);
    return this.view(tenant, id);
  }

  /**
   * Taken before a submission whose end will be waited for (see waitForSubmission): then the wait
   * hears the end for certain and saves reading the job first. Undefined while the process's
   * completion subscription is down.
   */
  completionMark(): CompletionMark | undefined {
    return this.completions.mark();
  }

  /**
   * waitUntilFinished for what a submission returned. The mark holds only for a job this very
   * submission queued after the mark was taken; a replayed or cached job may have ended before.
   */
  waitForSubmission(
    tenant: string,
    submission: Submission,
    timeoutMs: number,
    mark: CompletionMark | undefined,
  ): Promise<JobView | null> {
    const { job, created } = submission;
    const queuedAfterMark = created && job.status === 'queued';
    return this.waitUntilFinished(tenant, job.id, timeoutMs, queuedAfterMark ? mark : undefined);
  }

  async waitUntilFinished(
    tenant: string,
    id: string,
    timeoutMs: number,
    heardSince?: CompletionMark,
  ): Promise<JobView | null> {
    const done = await this.completions.waitFor(
      id,
      timeoutMs,
      async () => {
        const job = await this.jobs.get(id);
        return !!job && isTerminal(job.status);
      },
      heardSince,
    );
    if (!done) return null;
    const view = await this.view(tenant, id);
    return isTerminal(view.status) ? view : null;
  }

  async redeliverWebhook(tenant: string, id: string): Promise<JobView> {
    const job = await this.owned(tenant, id);
    if (!job.request.webhook_url)
      throw new ApiError(409, 'no_webhook', `job ${id} has no webhook_url`);
    if (job.status !== 'succeeded' && job.status !== 'failed') {
      throw new ApiError(
        409,
        'job_not_finished',
        `job ${id} has not finished; its webhook has not been sent yet`,
      );
    }
    const queued = await this.webhooks.redeliver(job.id);
    if (!queued.queued) {
      throw new ApiError(
        409,
        'no_webhook_record',
        `job ${id} has no webhook delivery to repeat yet`,
      );
    }
    return this.view(tenant, id);
  }

  /** Another tenant's job answers 404, exactly like a job that does not exist. */
  private async owned(tenant: string, id: string): Promise<JobRecord> {
    return ownedBy(tenant, id, await this.jobs.get(id));
  }
}

function ownedBy(tenant: string, id: string, job: JobRecord | null): JobRecord {
  if (!job || job.tenant !== tenant) throw ApiError.notFound(`job ${id}`);
  return job;
}
