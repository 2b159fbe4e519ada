import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { AttemptJobData } from '@switchyard/redis';
import { RouterHandoff } from './router-handoff';

/**
 * An attempt BullMQ gives up on without our processor handing it off (its retries ran out on an
 * unexpected error, or it stalled more often than allowed) would otherwise wait for the deadline
 * sweep. This sends it to the router like any other failed hop.
 */
@Injectable()
export class StuckAttemptRescuer {
  private readonly logger = new Logger('AttemptRescuer');

  constructor(private readonly handoff: RouterHandoff) {}

  async onFailed(job: Job<AttemptJobData>, err: Error): Promise<void> {
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
    if (!exhausted) return;
    const type = (err as { type?: string }).type ?? 'server_error';
    try {
      await this.handoff.handOff(job.data, { type, message: err.message });
    } catch (e) {
      this.logger.warn(
        `could not hand job ${job.data.job_id} to the router: ${(e as Error).message}`,
      );
    }
  }
}
