import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobStore, isTerminal, type JobRecord } from '@switchyard/jobs';
import {
  ProviderLimiters,
  QueueRegistry,
  providerQueueName,
  type AttemptJobData,
  type LimiterState,
} from '@switchyard/redis';
import { RoutingTableHolder, candidateVerdict, limiterWaitMs } from '@switchyard/routing';
import { RouterHandoff } from './router-handoff';
import { UNLIMITED_PER_MINUTE, WORKER_PROVIDERS } from './provider-worker-pool';
import { PeriodicTask } from '@switchyard/runtime';

const WATCH_EVERY_MS = 1_000;
/** The oldest waiting jobs looked at per provider and round: the ones the limiter starts first. */
const MAX_LOOKED_AT = 1_000;

export interface WaitingHop {
  data: AttemptJobData;
  job: Pick<JobRecord, 'deadline_at' | 'plan'>;
}

/**
 * The waiting hops, oldest first, that the provider's limiter (its requests_per_minute backlog,
 * or a 429's pause) would start only after their job's deadline: the candidate gate's
 * `rate_limited` check, with the wait of each hop's place in the queue. Pure.
 */
export function waitingPastDeadline<H extends WaitingHop>(
  waiting: readonly H[],
  limiter: LimiterState & { perMinute: number },
  now: number,
): Array<{ hop: H; detail: string }> {
  const late: Array<{ hop: H; detail: string }> = [];
  waiting.forEach((hop, place) => {
    const waitMs = limiterWaitMs({ ...limiter, waiting: place });
    const candidate = hop.job.plan.candidates[hop.data.candidate];
    const verdict = candidateVerdict(
      {
        provider: hop.data.provider,
        model: hop.data.model,
        estimated_cost_usd: candidate?.estimated_cost_usd ?? 0,
      },
      { remainingMs: hop.job.deadline_at - now, providerWaitMs: () => waitMs },
    );
    if (!verdict.ok && verdict.reason === 'rate_limited')
      late.push({ hop, detail: verdict.detail });
  });
  return late;
}

/**
 * The planner and the router skip a provider whose limiter would start a job too late, but a hop
 * already waiting in its queue when a 429 pauses it, or behind a backlog that grew, would wait out
 * its deadline there and fail with `deadline_exceeded`. Each round takes such hops out of the
 * queue (only while still waiting: a hop a worker took meanwhile stays) and hands them to the
 * router as `rate_limited`, which moves the job to its next candidate.
 */
@Injectable()
export class LimiterWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LimiterWatch');
  private readonly rounds = new PeriodicTask(() => this.watch(), this.logger);

  constructor(
    @Inject(WORKER_PROVIDERS) private readonly providerNames: string[] | 'all',
    private readonly routing: RoutingTableHolder,
    private readonly limiters: ProviderLimiters,
    private readonly queues: QueueRegistry,
    private readonly jobs: JobStore,
    private readonly handoff: RouterHandoff,
  ) {}

  onApplicationBootstrap(): void {
    this.rounds.start(WATCH_EVERY_MS);
  }

  onApplicationShutdown(): void {
    this.rounds.stop();
  }

  /** One round over every provider this process serves; returns the hops handed off. */
  async watch(now = Date.now()): Promise<number> {
    const table = this.routing.current;
    const names = this.providerNames === 'all' ? Object.keys(table.providers) : this.providerNames;
    const states = await this.limiters.read(names);
    let handedOff = 0;
    for (const name of names) {
      const state = states[name];
      // The worker's own limiter: requests_per_minute, else one that only holds a 429's pause.
      const perMinute =
        table.providers[name]?.rate_limit?.requests_per_minute ?? UNLIMITED_PER_MINUTE;
      const limiter = { ...state, perMinute };
      // The last hop in the queue waits longest: when it starts at once, every hop does.
      if (
        !state ||
        state.waiting === 0 ||
        limiterWaitMs({ ...limiter, waiting: state.waiting - 1 }) === 0
      ) {
        continue;
      }
      handedOff += await this.handOffLate(name, limiter, now);
    }
    return handedOff;
  }

  private async handOffLate(
    provider: string,
    limiter: LimiterState & { perMinute: number },
    now: number,
  ): Promise<number> {
    const queue = this.queues.get(providerQueueName(provider));
    const waiting = (await queue.getJobs(
      ['wait'],
      0,
      MAX_LOOKED_AT - 1,
      true,
    )) as Job<AttemptJobData>[];
    const records = await Promise.all(waiting.map((job) => this.jobs.get(job.data.job_id)));
    const hops: Array<{ data: AttemptJobData; job: JobRecord; bullJob: Job<AttemptJobData> }> = [];
    waiting.forEach((bullJob, i) => {
      const job = records[i];
      // A hop of a job gone, ended or moved on keeps its place: the worker stands it down.
      if (job && !isTerminal(job.status) && job.current_hop === bullJob.data.hop) {
        hops.push({ data: bullJob.data, job, bullJob });
      }
    });
    let handedOff = 0;
    for (const { hop, detail } of waitingPastDeadline(hops, limiter, now)) {
      const { bullJob, job } = hop;
      // Removed only while still waiting: 0 when a worker took it meanwhile (it then runs there).
      if ((await queue.remove(bullJob.id ?? '')) !== 1) continue;
      await this.handoff.handOff(bullJob.data, { type: 'rate_limited', message: detail }, job);
      handedOff++;
    }
    if (handedOff)
      this.logger.log(
        `${provider}: handed ${handedOff} hop(s) to the router, the limiter would start them past their deadline`,
      );
    return handedOff;
  }
}
