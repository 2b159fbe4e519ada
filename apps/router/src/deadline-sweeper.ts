import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  isTerminal,
  JobFinalizer,
  JobStep,
  JobStore,
  type FinalizeOutcome,
  type JobError,
} from '@switchyard/jobs';
import { PeriodicTask } from '@switchyard/runtime';

const SWEEP_EVERY_MS = 5_000;
/** A hop may still be finishing right at the deadline; give it this long before ending the job. */
const GRACE_MS = 5_000;
const SWEEPER = JobStep.deadlineSweeper;
const DEADLINE_EXCEEDED: JobError = {
  type: 'deadline_exceeded',
  message: 'the job did not finish before its deadline',
};

/**
 * The backstop behind "every job reaches a terminal state": whatever was lost between processes
 * (a hop whose process died and whose retries were exhausted, a router decision dropped in an
 * outage), a job still open past its deadline is failed here with `deadline_exceeded`.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeadlineSweeper');
  private readonly rounds = new PeriodicTask(() => this.sweep(), this.logger);

  constructor(
    private readonly jobs: JobStore,
    private readonly finalizer: JobFinalizer,
  ) {}

  onApplicationBootstrap(): void {
    this.rounds.start(SWEEP_EVERY_MS);
  }

  onApplicationShutdown(): void {
    this.rounds.stop();
  }

  async sweep(now = Date.now()): Promise<number> {
    const ids = await this.jobs.overdue(now - GRACE_MS);
    let ended = 0;
    for (const id of ids) {
      try {
        if (await this.end(id)) ended++;
      } catch (err) {
        // Left in the active index: the next sweep (here or in another router) tries again.
        this.logger.warn(`job ${id}: ${(err as Error).message}`);
      }
    }
    if (ended) this.logger.warn(`ended ${ended} job(s) past their deadline`);
    return ended;
  }

  /**
   * Ends one overdue job and announces it as a worker's end is announced (completion webhook,
   * then the notice). The job leaves the active index only after that, so a sweep whose
   * announcement was cut short (its process died, publishing failed) is finished by the next
   * one: the same finalizer again, whose follow-ups are idempotent.
   */
  private async end(id: string): Promise<boolean> {
    const job = await this.jobs.get(id);
    if (!job) {
      await this.jobs.forgetActive(id);
      return false;
    }
    let outcome: FinalizeOutcome | undefined;
    if (!isTerminal(job.status)) {
      outcome = await this.finalizer.fail(job, DEADLINE_EXCEEDED, SWEEPER, { keepActive: true });
    } else {
      await this.finalizer.announceAgain(job, SWEEPER, { keepActive: true });
    }
    await this.jobs.forgetActive(id);
    return outcome === 'finalized';
  }
}
