import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type Redis from 'ioredis';
import { CircuitBreaker } from '@switchyard/circuit-breaker';
import {
  JobCompletionChannel,
  JobEventLog,
  JobFinalizer,
  JobStep,
  JobStore,
  type JobRecord,
} from '@switchyard/jobs';
import type { CompletionResult, ProviderError } from '@switchyard/providers';
import {
  ProviderPauses,
  QueueRegistry,
  inOneScript,
  inOneWrite,
  providerQueueName,
  type AttemptError,
  type AttemptJobData,
} from '@switchyard/redis';
import { actualCostUsd, circuitKeysOf, RoutingTableHolder } from '@switchyard/routing';
import { LatencyTracker } from '@switchyard/routing-state';
import { LedgerService, ProviderAdapters, REDIS_CONSUMER } from '@switchyard/runtime';
import { SwitchyardMetrics, currentTraceId, withGenAiSpan } from '@switchyard/telemetry';
import { AnswerCache } from './answer-cache';
import { admitAttempt, admitReservation, type Admitted } from './attempt-admission';
import { callSpanInfo, completionRequest } from './attempt-call';
import { AttemptEventWriter, RUNNING_MARK_DELAY_MS } from './attempt-events';
import {
  callRecord,
  failedAttempt,
  jobResultOf,
  runningAttempt,
  succeededAttempt,
  type AttemptOrigin,
  type CallOutcome,
} from './attempt-records';
import { DailyBudgetReservation } from './daily-budget-reservation';
import { failureOutcome } from './retry-decision';
import { RouterHandoff } from './router-handoff';
import { toProviderError } from './to-provider-error';

export type AttemptOutcome = 'succeeded' | 'handed_off' | 'retrying' | 'stood_down';

/** The job's end as this attempt hears it: `signal` aborts when the job ends, until `stop()`. */
interface JobEndWatch {
  readonly signal: AbortSignal;
  stop(): void;
}

interface AttemptContext extends Admitted {
  data: AttemptJobData;
  tryNumber: number;
  maxTries: number;
  /** The daily-budget reservation the call's cost settles */
  reservationId?: string;
  /** Who makes the attempt, as each of its records names it */
  origin: AttemptOrigin;
  /** This attempt's entries in the job's event stream. */
  events: AttemptEventWriter;
  /** performance.now() when the provider call began, and when its first delta arrived. */
  callStartedAt: number;
  firstDeltaAt?: number;
}

/**
 * One attempt of one job on this process's provider. Every path ends in exactly one of: the job
 * succeeded, the hop was handed to the router, BullMQ retries it on the same provider, or the hop
 * stood down because the job moved on (cancelled, finished, or a newer hop owns it).
 */
@Injectable()
export class AttemptProcessor {
  private readonly logger = new Logger('AttemptProcessor');

  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly jobs: JobStore,
    private readonly queues: QueueRegistry,
    private readonly adapters: ProviderAdapters,
    private readonly breaker: CircuitBreaker,
    private readonly latency: LatencyTracker,
    private readonly ledger: LedgerService,
    private readonly finalizer: JobFinalizer,
    private readonly handoff: RouterHandoff,
    private readonly pauses: ProviderPauses,
    private readonly dailyBudget: DailyBudgetReservation,
    private readonly eventLog: JobEventLog,
    private readonly completions: JobCompletionChannel,
    private readonly answers: AnswerCache,
    @Inject(SwitchyardMetrics) private readonly metrics: SwitchyardMetrics,
    // The connection every store above uses: writes issued together go out together.
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
  ) {}

  async process(bullJob: Job<AttemptJobData>): Promise<AttemptOutcome> {
    const data = bullJob.data;
    // Watched before the job is read, on a live subscription: a cancel that lands after the read
    // (while the budget reservation waits, say) is heard, and one before it is read.
    const jobEnded = new AbortController();
    const stop = this.completions.watch(data.job_id, () => jobEnded.abort());
    try {
      await this.completions.ready();
      return await this.admitAndCall(bullJob, { signal: jobEnded.signal, stop });
    } finally {
      stop();
    }
  }

  private async admitAndCall(
    bullJob: Job<AttemptJobData>,
    jobEnd: JobEndWatch,
  ): Promise<AttemptOutcome> {
    const data = bullJob.data;
    // One command for the job and both circuit gates (provider, then "provider/model", the
    // model's id in the table). Asking the gates before knowing whether this hop still runs costs
    // nothing in the usual closed state; when half-open, a hop that then stands down (rare) uses
    // up one admission of the ramp without a call, which the ramp absorbs.
    const circuitKeys = circuitKeysOf(data);
    const [job, gates] = await inOneScript(this.redis, () =>
      Promise.all([this.jobs.beginAttempt(data.job_id), this.breaker.acquireAll(circuitKeys)]),
    );
    const admission = admitAttempt({
      data,
      job,
      table: this.routing.current,
      circuitAllowed: (key) => gates[circuitKeys.indexOf(key)]?.allowed ?? false,
      now: Date.now(),
    });
    if (admission.kind === 'standDown') {
      if (admission.job)
        await this.finalizer.announceAgain(admission.job, JobStep.worker(data.hop));
      return 'stood_down';
    }
    if (admission.kind === 'handOff') return this.handOff(data, admission.error, admission.job);
    const { task, tenant } = admission;
    const reserved = admitReservation(
      await this.dailyBudget.reserve(
        task,
        tenant,
        admission.estimateUsd,
        admission.job.deadline_at,
      ),
      jobEnd.signal.aborted,
    );
    if (reserved.kind === 'handOff') return this.handOff(data, reserved.error, admission.job);
    if (reserved.kind === 'standDown') {
      const unused = reserved.unusedReservationId;
      if (unused) await this.dailyBudget.settle(admission, unused, 0);
      return 'stood_down';
    }
    return this.call(bullJob, admission, reserved.reservationId, jobEnd);
  }

  private async call(
    bullJob: Job<AttemptJobData>,
    admitted: Admitted,
    reservationId: string | undefined,
    jobEnd: JobEndWatch,
  ): Promise<AttemptOutcome> {
    const { data } = bullJob;
    const { job, model, provider } = admitted;
    const tryNumber = bullJob.attemptsMade;
    const startedAt = new Date();
    const ctx: AttemptContext = {
      ...admitted,
      data,
      tryNumber,
      maxTries: bullJob.opts.attempts ?? 1,
      reservationId,
      origin: { hop: data.hop, tryNumber, provider: provider.name, model: model.model, startedAt },
      callStartedAt: performance.now(),
      events: new AttemptEventWriter(
        this.eventLog,
        job.id,
        { hop: data.hop, try: tryNumber, provider: provider.name, model: model.model },
        (err) => this.logger.warn(`job ${job.id}: event stream: ${err.message}`),
      ),
    };
    ctx.events.started();
    // A job cancelled while its call runs aborts the SDK request: nobody wants the answer.
    const request = completionRequest({
      ...ctx,
      remainingMs: admitted.remainingMs,
      signal: jobEnd.signal,
      onDelta: (delta) => {
        ctx.firstDeltaAt ??= performance.now();
        ctx.events.delta(delta);
      },
    });
    // The running mark is informational and never awaited before the call: a call still running
    // after RUNNING_MARK_DELAY_MS gets it (attempt.started and the running record, in one write),
    // and the outcome's record, written later on the same connection, replaces it in order. A
    // call that answers sooner writes its start with the outcome instead.
    let running: Promise<unknown> | undefined;
    const runningMark = setTimeout(() => {
      running = inOneScript(this.redis, () => {
        void ctx.events.flush();
        return this.jobs
          .putAttempt(job.id, runningAttempt(ctx.origin))
          .catch((err: Error) => this.logger.warn(`job ${job.id}: attempt record: ${err.message}`));
      });
    }, RUNNING_MARK_DELAY_MS);
    const started = performance.now();
    ctx.callStartedAt = started;
    let result: CompletionResult;
    try {
      result = await withGenAiSpan(callSpanInfo({ ...ctx, request }), async (span) => {
        const completion = await this.adapters.get(provider.name).complete(request);
        span.setCostUsd(actualCostUsd(model, completion.usage));
        return completion;
      });
    } catch (err) {
      const latencyMs = performance.now() - started;
      const jobEnded = jobEnd.signal.aborted;
      jobEnd.stop();
      clearTimeout(runningMark);
      await running;
      const error = toProviderError(err, provider.name);
      return this.onFailure(ctx, error, latencyMs, jobEnded);
    }
    const latencyMs = performance.now() - started;
    // The call is over: nothing is left to abort, and this attempt's own success announces the
    // job's end, which would otherwise abort the signal (a DOMException per job, and the SDK's
    // listener on it another).
    jobEnd.stop();
    clearTimeout(runningMark);
    await running;
    return this.onSuccess(ctx, result, latencyMs);
  }

  private async onSuccess(
    ctx: AttemptContext,
    result: CompletionResult,
    latencyMs: number,
  ): Promise<AttemptOutcome> {
    const { job, model, provider, data } = ctx;
    const cost = actualCostUsd(model, result.usage);
    const ledgerRow = this.recordCall(ctx, latencyMs, { result, cost });
    const jobResult = jobResultOf(provider, model, result, cost, latencyMs);
    // One command: every script below runs as one (inOneScript), on one connection, in this
    // order, so a caller told the job ended finds its attempt recorded. The answer cache's write,
    // not a script, leaves in the same socket write just ahead of it.
    await inOneWrite(this.redis, () =>
      inOneScript(this.redis, () =>
        Promise.all([
          // The answer's last deltas, before the terminal event the transition appends.
          ctx.events.finish(),
          ctx.reservationId ? this.dailyBudget.settle(ctx, ctx.reservationId, cost) : undefined,
          this.latency.record(model.id, latencyMs),
          this.breaker.recordAll(circuitKeysOf(data), 'success'),
          this.jobs.putAttempt(
            job.id,
            succeededAttempt(ctx.origin, {
              modelRevision: result.model_revision,
              latencyMs,
              costUsd: cost,
              usageEstimated: result.usage_estimated,
            }),
            ledgerRow,
          ),
          // Charges the job's cost too (no addCost): in the transition only one run wins.
          this.finalizer.succeed(job, jobResult, JobStep.worker(data.hop)),
          this.answers.store(ctx, jobResult),
        ]),
      ),
    );
    return 'succeeded';
  }

  /**
   * A call aborted because its job ended (cancelled) is still billed and recorded, but the
   * outcome rule neither counts it against a circuit nor retries or hands it off.
   */
  private async onFailure(
    ctx: AttemptContext,
    failure: ProviderError,
    latencyMs: number,
    jobEnded: boolean,
  ): Promise<AttemptOutcome> {
    const { job, model, provider, task, data } = ctx;
    const outcome = failureOutcome({
      error: failure,
      jobEnded,
      tryNumber: ctx.tryNumber,
      maxTries: ctx.maxTries,
      backoffBaseMs: task.retry.backoff_ms,
      remainingMs: job.deadline_at - Date.now(),
      estimatedInputTokens: job.plan.estimated_input_tokens,
    });
    const { error, pauseMs } = outcome;
    // The provider bills a call that answered, even when the answer is unusable (invalid output, a
    // stream cut after the usage): its usage travels on the error (marked when estimated).
    const cost = error.partial ? actualCostUsd(model, error.partial.usage) : 0;
    const ledgerRow = this.recordCall(ctx, latencyMs, { error, cost });
    // The bookkeeping's scripts run as one command (inOneScript); the hand-off goes out with it
    // rather than after it: the router's decision reads the circuit state this failure updates,
    // and those writes leave first, but waiting for their replies would only add a round trip to
    // every fallback.
    await Promise.all([
      inOneWrite(this.redis, () =>
        inOneScript(this.redis, () =>
          Promise.all([
            // A listener learns to discard what this attempt streamed before the next one starts.
            jobEnded
              ? ctx.events.discard()
              : ctx.events.failed({ type: error.type, message: error.message }),
            ctx.reservationId ? this.dailyBudget.settle(ctx, ctx.reservationId, cost) : undefined,
            this.jobs.addCost(job.id, cost),
            // Recorded before the hand-off leaves: the router's decision skips a provider paused
            // past the job's deadline.
            pauseMs ? this.pauses.pause(provider.name, pauseMs) : undefined,
            this.breaker.recordAll(
              [
                ...(outcome.countsAgainstProvider ? [provider.name] : []),
                ...(outcome.countsAgainstModel ? [model.id] : []),
              ],
              'failure',
            ),
            this.jobs.putAttempt(
              job.id,
              failedAttempt(ctx.origin, { error: outcome.recorded, latencyMs, costUsd: cost }),
              ledgerRow,
            ),
          ]),
        ),
      ),
      pauseMs
        ? // Pause the whole provider queue rather than let every worker hammer a provider that said wait.
          this.queues.get(providerQueueName(provider.name)).rateLimit(pauseMs)
        : undefined,
      outcome.next === 'handOff'
        ? this.handoff.handOff(data, { type: error.type, message: error.message }, job, cost)
        : undefined,
    ]);
    if (outcome.next === 'retry') {
      // BullMQ schedules the retry with the job's backoff; the attempt stays visible in its history.
      throw error;
    }
    if (outcome.next === 'standDown') {
      this.logger.debug(`job ${data.job_id} hop ${data.hop}: call aborted, the job had ended`);
      return 'stood_down';
    }
    this.logger.debug(`job ${data.job_id} hop ${data.hop} handed to the router: ${error.type}`);
    return 'handed_off';
  }

  /**
   * Counts the call in the metrics and returns its ledger row, which the caller hands to the
   * attempt's outcome record: the row is written with it, in one step, into the ledger outbox.
   */
  private recordCall(
    ctx: AttemptContext,
    latencyMs: number,
    outcome: CallOutcome,
  ): string | undefined {
    const ok = 'result' in outcome;
    this.metrics.providerCall({
      provider: ctx.provider.name,
      model: ctx.model.model,
      outcome: ok ? 'success' : outcome.error.type,
      duration_ms: latencyMs,
      task: ctx.task.name,
      cost_usd: outcome.cost,
      input_tokens: ok ? outcome.result.usage.input_tokens : 0,
      output_tokens: ok ? outcome.result.usage.output_tokens : 0,
    });
    const record = callRecord(
      {
        ...ctx,
        startedAt: ctx.origin.startedAt,
        finishedAt: new Date(),
        latencyMs,
        ttftMs: ctx.firstDeltaAt === undefined ? undefined : ctx.firstDeltaAt - ctx.callStartedAt,
        traceId: currentTraceId(),
      },
      outcome,
    );
    return this.ledger.ledgerRow(record);
  }

  private async handOff(
    data: AttemptJobData,
    error: AttemptError,
    job: JobRecord,
  ): Promise<AttemptOutcome> {
    await this.handoff.handOff(data, error, job);
    this.logger.debug(`job ${data.job_id} hop ${data.hop} handed to the router: ${error.type}`);
    return 'handed_off';
  }
}
