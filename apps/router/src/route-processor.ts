import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type Redis from 'ioredis';
import { CircuitBreaker, type CircuitSnapshot } from '@switchyard/circuit-breaker';
import {
  AttemptEnqueuer,
  JobFinalizer,
  JobStep,
  JobStore,
  isTerminal,
  type FallbackJobSnapshot,
  type JobRecord,
  type RouterJobData,
} from '@switchyard/jobs';
import { ProviderPauses, inOneWrite } from '@switchyard/redis';
import {
  RoutingTableHolder,
  circuitKeysOfAll,
  tenantConfig,
  type DailyBudgetState,
} from '@switchyard/routing';
import { DailySpendStore } from '@switchyard/routing-state';
import { AnnouncedStates, REDIS_CONSUMER } from '@switchyard/runtime';
import { continuedTraceCarrier } from '@switchyard/telemetry';
import { decideFallback } from './fallback-decider';

/** What a decision starts from: the job's routing fields, and what was read with them. */
interface Seen {
  job: FallbackJobSnapshot;
  /** The whole record, when it was read (not when the hand-off's snapshot stood in for it) */
  record?: JobRecord;
  /** Circuits read with the record (those the worker named) */
  circuits?: Record<string, CircuitSnapshot>;
  /** The table's provider pauses read with the record */
  pausedUntil?: Record<string, number>;
}

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
    private readonly states: AnnouncedStates,
    // The connection the stores above use: the first reads go out in one write.
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
  ) {}

  async process(bullJob: Job<RouterJobData>): Promise<string> {
    const data = bullJob.data;
    const table = this.routing.current;
    const tableProviders = Object.keys(table.providers);
    // A hand-off that carries the job is decided without reading it: circuits and pauses come
    // from the states this process shares between decisions (a round trip less per fallback).
    const seen: Seen | 'already_ended' | 'stale' = data.job
      ? { job: data.job }
      : await this.readJob(data, tableProviders);
    if (typeof seen === 'string') return seen;
    const { job, circuits: read } = seen;
    const later = job.plan.candidates.slice(data.candidate + 1);
    const keys = circuitKeysOfAll(later);
    const providers = [...new Set(later.map((c) => c.provider))];
    const tenantLimit = tenantConfig(table, job.tenant).daily_usd;
    const [circuits, dailyBudget, tenantDailyBudget, pausedUntil] = await Promise.all([
      read && keys.every((k) => k in read) ? read : this.states.circuits(keys),
      this.dailyBudget(table.tasks[job.task]?.budget, job.task, job.tenant),
      this.tenantDailyBudget(tenantLimit, job.tenant),
      seen.pausedUntil
        ? this.withPausesOf(seen.pausedUntil, providers, tableProviders)
        : this.states.pausedUntil(providers),
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
      // Failing needs the whole record, as it is now (a hand-off's snapshot is neither).
      const record = seen.record ?? (await this.checked(await this.jobs.get(data.job_id), data));
      if (typeof record === 'string') return record;
      await this.finalizer.fail(
        record,
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
    if (moved) return 'fallback';
    // Decided on a snapshot, the job may have ended before this decision ran, perhaps by this
    // very decision in a run that died before announcing it: announced again, as a read would.
    if (!seen.record) await this.checked(await this.jobs.get(data.job_id), data);
    return 'already_ended';
  }

  /**
   * The job as it is now, with (in the same round trip) the circuits the worker named and the
   * pauses of every provider of the table: everything a usual decision reads, for a hand-off
   * that carries no snapshot of the job (from an older worker).
   */
  private async readJob(
    data: RouterJobData,
    tableProviders: string[],
  ): Promise<Seen | 'already_ended' | 'stale'> {
    const [record, circuits, pausedUntil] = await inOneWrite(this.redis, () =>
      Promise.all([
        this.jobs.get(data.job_id),
        data.circuits?.length ? this.breaker.states(data.circuits) : undefined,
        this.pauses.pausedUntil(tableProviders),
      ]),
    );
    const job = await this.checked(record, data);
    if (typeof job === 'string') return job;
    return { job, record: job, circuits, pausedUntil };
  }

  /**
   * A record this hop's decision may act on. One that ended is announced again (a decision may
   * have failed it, then the router died before announcing it); one a later hop owns is stale.
   */
  private async checked(
    record: JobRecord | null,
    data: RouterJobData,
  ): Promise<JobRecord | 'already_ended' | 'stale'> {
    if (!record) return 'already_ended';
    if (isTerminal(record.status)) {
      await this.finalizer.announceAgain(record, JobStep.router(data.hop));
      return 'already_ended';
    }
    if (record.current_hop > data.hop + 1) return 'stale';
    return record;
  }

  /** The table's pauses read with the job, and those of a planned provider the table lost since. */
  private async withPausesOf(
    tablePauses: Record<string, number>,
    providers: string[],
    tableProviders: string[],
  ): Promise<Record<string, number>> {
    const unread = providers.filter((p) => !tableProviders.includes(p));
    if (!unread.length) return tablePauses;
    return { ...tablePauses, ...(await this.pauses.pausedUntil(unread)) };
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
