import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type Redis from 'ioredis';
import { CircuitBreaker } from '@switchyard/circuit-breaker';
import { AttemptEnqueuer, JobFinalizer, JobStep, JobStore } from '@switchyard/jobs';
import { ProviderPauses, inOneWrite, type RouterJobData } from '@switchyard/redis';
import {
  RoutingTableHolder,
  circuitKeysOfAll,
  tenantConfig,
  type DailyBudgetState,
} from '@switchyard/routing';
import { DailySpendStore } from '@switchyard/routing-state';
import { REDIS_CONSUMER } from '@switchyard/runtime';
import { continuedTraceCarrier } from '@switchyard/telemetry';
import { decideFallback } from './fallback-decider';

/**
 * Consumes hops that failed for good and moves the job on. Every step is idempotent (the hop
 * pointer only moves forward, enqueues use deterministic ids, the terminal transition is atomic),
 * so a router killed mid-decision simply decides again after BullMQ hands the job back.
 */
@Injectable()
export class RouteProcessor {
  private readonly logger = new Logger('Router');

  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly jobs: JobStore,
    private readonly breaker: CircuitBreaker,
    private readonly enqueuer: AttemptEnqueuer,
    private readonly finalizer: JobFinalizer,
    private readonly spend: DailySpendStore,
    private readonly pauses: ProviderPauses,
    // The connection the stores above use: the first reads go out in one write.
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
  ) {}

  async process(bullJob: Job<RouterJobData>): Promise<string> {
    const data = bullJob.data;
    const table = this.routing.current;
    // Everything a usual decision reads, in one round trip with the job: the circuits the worker
    // names, and the pauses of every provider of the table (the later candidates are only known
    // once the job is read; reading their pauses then cost every hand-off a round trip).
    const tableProviders = Object.keys(table.providers);
    const [job, hinted, tablePauses] = await inOneWrite(this.redis, () =>
      Promise.all([
        this.jobs.get(data.job_id),
        data.circuits?.length ? this.breaker.states(data.circuits) : undefined,
        this.pauses.pausedUntil(tableProviders),
      ]),
    );
    if (!job) return 'already_ended';
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') {
      // This decision may have failed the job, then the router died before announcing it.
      await this.finalizer.announceAgain(job, JobStep.router(data.hop));
      return 'already_ended';
    }
    if (job.current_hop > data.hop + 1) return 'stale';
    const keys = circuitKeysOfAll(job.plan.candidates.slice(data.candidate + 1));
    // A planned provider the table no longer has (reloaded since): its pause is read now.
    const unread = [
      ...new Set(job.plan.candidates.slice(data.candidate + 1).map((c) => c.provider)),
    ].filter((p) => !tableProviders.includes(p));
    const tenantLimit = tenantConfig(table, job.tenant).daily_usd;
    const [circuits, dailyBudget, tenantDailyBudget, pausedUntil] = await Promise.all([
      hinted && keys.every((k) => k in hinted) ? hinted : this.breaker.states(keys),
      this.dailyBudget(table.tasks[job.task]?.budget, job.task, job.tenant),
      this.tenantDailyBudget(tenantLimit, job.tenant),
      unread.length
        ? this.pauses.pausedUntil(unread).then((more) => ({ ...tablePauses, ...more }))
        : tablePauses,
    ]);
    const decision = decideFallback({
      job,
      table,
      error: data.error,
      afterCandidate: data.candidate,
      circuits,
      now: Date.now(),
      dailyBudget,
      tenantDailyBudget,
      pausedUntil,
    });
    for (const s of decision.skipped)
      this.logger.debug(`job ${job.id}: skipped ${s.id} (${s.reason})`);
    if (decision.kind === 'fail') {
      await this.finalizer.fail(
        job,
        { type: data.error.type, message: data.error.message },
        JobStep.router(data.hop),
      );
      return 'failed';
    }
    const next = job.plan.candidates[decision.candidate];
    // Both at once, not one after the other (a round trip less per fallback): a hop enqueued for
    // a job that ended meanwhile finds it ended when it starts and stands down.
    const [moved] = await Promise.all([
      this.jobs.advanceHop(job.id, data.hop + 1),
      this.enqueuer.enqueue(job, {
        hop: data.hop + 1,
        candidate: decision.candidate,
        provider: next.provider,
        model: next.model,
        fallback_reason: data.error.type,
        // The next hop continues from this decision's span, so the trace shows why it moved (or,
        // when no span is recorded, from the trace the failed hop carried).
        trace: continuedTraceCarrier(data.trace),
      }),
    ]);
    if (!moved) return 'already_ended';
    return 'fallback';
  }

  /** Today's spend of the tenant on a task with a daily budget (one read, only for such tasks). */
  private async dailyBudget(
    budget: { daily_usd?: number; alert_at?: number } | undefined,
    task: string,
    tenant: string,
  ): Promise<DailyBudgetState | undefined> {
    if (budget?.daily_usd === undefined) return undefined;
    const today = await this.spend.snapshot({ task, tenant }, undefined, budget);
    return {
      limit_usd: budget.daily_usd,
      spent_usd: today.spent_usd,
      reserved_usd: today.reserved_usd,
    };
  }

  /** Today's spend of a tenant with a daily_usd of its own, over all its tasks. */
  private async tenantDailyBudget(
    limit: number | undefined,
    tenant: string,
  ): Promise<DailyBudgetState | undefined> {
    if (limit === undefined) return undefined;
    const today = await this.spend.tenantSnapshot(tenant, undefined, limit);
    return { limit_usd: limit, spent_usd: today.spent_usd, reserved_usd: today.reserved_usd };
  }
}
