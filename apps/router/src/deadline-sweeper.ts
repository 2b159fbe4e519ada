import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { JobStore, isTerminal } from '@switchyard/jobs';
import { JobFinalizer } from '@switchyard/runtime';

const SWEEP_EVERY_MS = 5_000;
/** A hop may still be finishing right at the deadline; give it this long before ending the job. */
const GRACE_MS = 5_000;

/**
 * The backstop behind "every job reaches a terminal state": whatever was lost between processes
 * (a hop whose process died and whose retries were exhausted, a router decision dropped in an
 * outage), a job still open past its deadline is failed here with `deadline_exceeded`.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeadlineSweeper');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly jobs: JobStore,
    private readonly finalizer: JobFinalizer,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.sweep().catch((e: Error) => this.logger.warn(e.message)),
      SWEEP_EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(now = Date.now()): Promise<number> {
    const ids = await this.jobs.overdue(now - GRACE_MS);
    let ended = 0;
    for (const id of ids) {
      const job = await this.jobs.get(id);
      if (!job) {
        await this.jobs.forgetActive(id);
        continue;
      }
      if (isTerminal(job.status)) continue;
      const outcome = await this.finalizer.fail(
        job,
        { type: 'deadline_exceeded', message: 'the job did not finish before its deadline' },
        'deadline-sweeper',
      );
      if (outcome === 'finalized') ended++;
    }
    if (ended) this.logger.warn(`ended ${ended} job(s) past their deadline`);
    return ended;
  }
}
