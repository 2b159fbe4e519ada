import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type Redis from 'ioredis';
import { CircuitBreaker } from '@switchyard/circuit-breaker';
import {
  JobCompletionChannel,
  JobEventLog,
  JobFinalizer,
  JobStore,
  ResponseCache,
  type JobRecord,
  type JobResult,
} from '@switchyard/jobs';
import {
  COUNTS_AGAINST_MODEL,
  COUNTS_AGAINST_PROVIDER,
  ProviderError,
  type CompletionRequest,
  type CompletionResult,
} from '@switchyard/providers';
import {
  ProviderPauses,
  QueueRegistry,
  inOneWrite,
  providerQueueName,
  type AttemptError,
  type AttemptJobData,
} from '@switchyard/redis';
import {
  actualCostUsd,
  RoutingTableHolder,
  candidateVerdict,
  circuitKeysOf,
  modelId,
  tenantConfig,
  type ModelConfig,
  type ProviderConfig,
  type TaskConfig,
  type TenantConfig,
} from '@switchyard/routing';
import { DailySpendStore, LatencyTracker } from '@switchyard/routing-state';
import { BudgetAlerts, LedgerService, ProviderAdapters, REDIS_CONSUMER } from '@switchyard/runtime';
import { SwitchyardMetrics, currentTraceId, withGenAiSpan } from '@switchyard/telemetry';
import { DailyBudgetReservation } from './daily-budget-reservation';
import { AttemptEventWriter } from './attempt-events';
import {
  failedAttempt,
  runningAttempt,
  succeededAttempt,
  type AttemptOrigin,
} from './attempt-records';
import { retriesOnSameProvider } from './retry-decision';
import { RouterHandoff } from './router-handoff';
import { toProviderError } from './to-provider-error';

export type AttemptOutcome = 'succeeded' | 'handed_off' | 'retrying' | 'stood_down';

interface AttemptContext {
  data: AttemptJobData;
  job: JobRecord;
  task: TaskConfig;
  tenant: TenantConfig;
  model: ModelConfig;
  provider: ProviderConfig;
  tryNumber: number;
  maxTries: number;
  startedAt: Date;
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
    private readonly spend: DailySpendStore,
    private readonly latency: LatencyTracker,
    private readonly ledger: LedgerService,
    private readonly budgetAlerts: BudgetAlerts,
    private readonly finalizer: JobFinalizer,
    private readonly handoff: RouterHandoff,
    private readonly pauses: ProviderPauses,
    private readonly dailyBudget: DailyBudgetReservation,
    private readonly eventLog: JobEventLog,
    private readonly completions: JobCompletionChannel,
    private readonly responseCache: ResponseCache,
    @Inject(SwitchyardMetrics) private readonly metrics: SwitchyardMetrics,
    // The connection every store above uses: writes issued together go out together.
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
  ) {}

  async process(bullJob: Job<AttemptJobData>): Promise<AttemptOutcome> {
    const data = bullJob.data;
    // One round trip for the job and both circuit gates (provider, then "provider/model", the
    // model's id in the table). Asking the gates before knowing whether this hop still runs costs
    // nothing in the usual closed state; when half-open, a hop that then stands down (rare) uses
    // up one admission of the ramp without a call, which the ramp absorbs.
    const circuitKeys = circuitKeysOf(data);
    const [job, ...gates] = await inOneWrite(this.redis, () =>
      Promise.all([
        this.jobs.beginAttempt(data.job_id),
        ...circuitKeys.map((key) => this.breaker.acquire(key)),
      ]),
    );
    if (!job) return 'stood_down';
    if (job.status !== 'running' || job.current_hop > data.hop) {
      await this.finalizer.announceAgain(job, `h${data.hop}`);
      return 'stood_down';
    }

    const table = this.routing.current;
    const task = table.tasks[job.task];
    const model = table.models[modelId(data)];
    const provider = table.providers[data.provider];
    if (!task || !model || !provider) {
      return this.handOff(
        data,
        {
          type: 'route_removed',
          message: 'the routing table no longer has this task or model',
        },
        job,
      );
    }
    const tenant = tenantConfig(table, job.tenant);
    const remainingMs = job.deadline_at - Date.now();
    const estimate = job.plan.candidates[data.candidate]?.estimated_cost_usd ?? 0;
    // The plan honoured the gate when the job was submitted; a table reloaded since may have
    // narrowed the tenant's providers, and time, money and circuits have moved on.
    const verdict = candidateVerdict(
      { provider: data.provider, model: data.model, estimated_cost_usd: estimate },
      {
        tenant,
        remainingMs,
        remainingCostUsd:
          job.max_cost_usd === undefined ? undefined : job.max_cost_usd - job.cost_usd,
        isCircuitOpen: (key) => !gates[circuitKeys.indexOf(key)]?.allowed,
      },
    );
    if (!verdict.ok) {
      return this.handOff(data, { type: verdict.reason, message: verdict.detail }, job);
    }
    const tryNumber = bullJob.attemptsMade;
    const ctx: AttemptContext = {
      data,
      job,
      task,
      tenant,
      model,
      provider,
      tryNumber,
      maxTries: bullJob.opts.attempts ?? 1,
      startedAt: new Date(),
      callStartedAt: performance.now(),
      events: new AttemptEventWriter(
        this.eventLog,
        job.id,
        { hop: data.hop, try: tryNumber, provider: provider.name, model: model.model },
        (err) => this.logger.warn(`job ${job.id}: event stream: ${err.message}`),
      ),
    };

    // A refusal is a hand-off like the gates above: a cheaper candidate may still fit the day.
    const reserved = await this.dailyBudget.reserve(task, tenant, estimate, job.deadline_at);
    if (reserved.kind === 'refused') return this.handOff(data, reserved.error, job);
    const reservation = reserved.kind === 'reserved' ? reserved.reservationId : undefined;

    // Not awaited before the call: the record is informational, and the outcome's record, written
    // later on the same connection, replaces it in order. attempt.started leaves in the same write.
    const running = inOneWrite(this.redis, () => {
      ctx.events.started();
      return this.jobs
        .putAttempt(job.id, runningAttempt(originOf(ctx)))
        .catch((err: Error) => this.logger.warn(`job ${job.id}: attempt record: ${err.message}`));
    });

    const request: CompletionRequest = {
      model: model.model,
      messages: job.request.messages,
      response_format: job.request.response_format,
      tools: job.request.tools,
      tool_choice: job.request.tool_choice,
      // Gemini's tool calls get ids from this: stable across a re-read, distinct per attempt.
      call_key: `${job.id}:h${data.hop}:t${ctx.tryNumber}`,
      max_tokens: job.plan.candidates[data.candidate]?.max_tokens ?? job.plan.max_tokens,
      temperature: job.request.temperature,
      timeout_ms: Math.max(1, Math.min(provider.timeout_ms, remainingMs)),
      first_token_timeout_ms: provider.first_token_timeout_ms,
      stream_idle_timeout_ms: provider.stream_idle_timeout_ms,
      onDelta: (delta) => {
        ctx.firstDeltaAt ??= performance.now();
        ctx.events.delta(delta);
      },
    };
    // A job cancelled while its call runs aborts the SDK request: nobody wants the answer.
    const jobEnded = new AbortController();
    request.signal = jobEnded.signal;
    const stopWatching = this.completions.watch(job.id, () => jobEnded.abort());
    const started = performance.now();
    ctx.callStartedAt = started;
    let result: CompletionResult;
    try {
      result = await withGenAiSpan(
        {
          provider: provider.name,
          kind: provider.kind,
          request_model: model.model,
          max_tokens: request.max_tokens,
          temperature: request.temperature,
          output_type: request.response_format?.type === 'json_schema' ? 'json' : 'text',
          task: task.name,
          job_id: job.id,
          attempt: data.hop + 1,
          fallback_reason: data.fallback_reason,
          rule: job.plan.rule ?? undefined,
          split: job.plan.split ?? undefined,
          messages: request.messages,
        },
        async (span) => {
          const completion = await this.adapters.get(provider.name).complete(request);
          span.setCostUsd(actualCostUsd(model, completion.usage));
          return completion;
        },
      );
    } catch (err) {
      const latencyMs = performance.now() - started;
      await running;
      const error = toProviderError(err, provider.name);
      if (jobEnded.signal.aborted) {
        return this.onCancelledCall(
          ctx,
          withEstimatedPrompt(error, job.plan.estimated_input_tokens),
          latencyMs,
          reservation,
        );
      }
      return this.onFailure(ctx, error, latencyMs, reservation);
    } finally {
      stopWatching();
    }
    const latencyMs = performance.now() - started;
    await running;
    return this.onSuccess(ctx, result, latencyMs, reservation);
  }

  private async onSuccess(
    ctx: AttemptContext,
    result: CompletionResult,
    latencyMs: number,
    reservation: string | undefined,
  ): Promise<AttemptOutcome> {
    const { job, model, provider, data } = ctx;
    const cost = actualCostUsd(model, result.usage);
    const ledgerRow = this.recordCall(ctx, latencyMs, { result, cost });
    const jobResult: JobResult = {
      text: result.text,
      json: result.json,
      tool_calls: result.tool_calls,
      provider: provider.name,
      model: model.model,
      model_revision: result.model_revision,
      finish_reason: result.finish_reason,
      usage: result.usage,
      cost_usd: cost,
      latency_ms: Math.round(latencyMs),
      ...(result.system_fingerprint && { system_fingerprint: result.system_fingerprint }),
    };
    // One round trip and one socket write: every command below is sent before any reply is
    // awaited, on one connection, so Redis applies them in this order and a caller told the job
    // ended finds its attempt recorded.
    await inOneWrite(this.redis, () =>
      Promise.all([
        // The answer's last deltas, before the terminal event the transition appends.
        ctx.events.finish(),
        reservation ? this.settle(ctx, reservation, cost) : undefined,
        this.latency.record(model.id, latencyMs),
        this.breaker.record(provider.name, 'success'),
        this.breaker.record(model.id, 'success'),
        this.jobs.putAttempt(
          job.id,
          succeededAttempt(originOf(ctx), {
            modelRevision: result.model_revision,
            latencyMs,
            costUsd: cost,
            usageEstimated: result.usage_estimated,
          }),
          ledgerRow,
        ),
        // Charges the job's cost too (no addCost): in the transition only one run wins.
        this.finalizer.succeed(job, jobResult, `h${data.hop}`),
        this.storeInCache(ctx, jobResult),
      ]),
    );
    return 'succeeded';
  }

  private async onFailure(
    ctx: AttemptContext,
    error: ProviderError,
    latencyMs: number,
    reservation: string | undefined,
  ): Promise<AttemptOutcome> {
    const { job, model, provider, task, data } = ctx;
    const counts = COUNTS_AGAINST_PROVIDER[error.type];
    const remainingMs = job.deadline_at - Date.now();
    const backoffMs = task.retry.backoff_ms * 2 ** ctx.tryNumber;
    const mayRetry = retriesOnSameProvider({
      error,
      tryNumber: ctx.tryNumber,
      maxTries: ctx.maxTries,
      backoffMs,
      remainingMs,
    });
    const pauseMs = error.type === 'rate_limited' ? error.retryAfterMs : undefined;
    // The provider bills a call that answered, even when the answer is unusable (invalid output, a
    // stream cut after the usage): its usage travels on the error (marked when estimated).
    const cost = error.partial ? actualCostUsd(model, error.partial.usage) : 0;
    const ledgerRow = this.recordCall(ctx, latencyMs, { error, cost });
    // The hand-off goes out with the bookkeeping rather than after it: the router's decision
    // reads the circuit state this failure updates, and those writes leave first, but waiting for
    // their replies would only add a round trip to every fallback.
    await Promise.all([
      inOneWrite(this.redis, () =>
        Promise.all([
          // A listener learns to discard what this attempt streamed before the next one starts.
          ctx.events.failed({ type: error.type, message: error.message }),
          reservation ? this.settle(ctx, reservation, cost) : undefined,
          this.jobs.addCost(job.id, cost),
          // Recorded before the hand-off leaves: the router's decision skips a provider paused
          // past the job's deadline.
          pauseMs ? this.pauses.pause(provider.name, pauseMs) : undefined,
          counts ? this.breaker.record(provider.name, 'failure') : undefined,
          COUNTS_AGAINST_MODEL[error.type] ? this.breaker.record(model.id, 'failure') : undefined,
          this.jobs.putAttempt(
            job.id,
            failedAttempt(originOf(ctx), { error, latencyMs, costUsd: cost }),
            ledgerRow,
          ),
        ]),
      ),
      pauseMs
        ? // Pause the whole provider queue rather than let every worker hammer a provider that said wait.
          this.queues.get(providerQueueName(provider.name)).rateLimit(pauseMs)
        : undefined,
      mayRetry
        ? undefined
        : this.handoff.handOff(data, { type: error.type, message: error.message }, job),
    ]);
    if (mayRetry) {
      // BullMQ schedules the retry with the job's backoff; the attempt stays visible in its history.
      throw error;
    }
    this.logger.debug(`job ${data.job_id} hop ${data.hop} handed to the router: ${error.type}`);
    return 'handed_off';
  }

  /**
   * The call this worker aborted because its job ended (cancelled) says nothing about the provider:
   * no circuit failure, no pause, no retry and no hand-off. It is still billed and recorded.
   */
  private async onCancelledCall(
    ctx: AttemptContext,
    error: ProviderError,
    latencyMs: number,
    reservation: string | undefined,
  ): Promise<AttemptOutcome> {
    const { job, model, data } = ctx;
    const cost = error.partial ? actualCostUsd(model, error.partial.usage) : 0;
    const ledgerRow = this.recordCall(ctx, latencyMs, { error, cost });
    await inOneWrite(this.redis, () =>
      Promise.all([
        reservation ? this.settle(ctx, reservation, cost) : undefined,
        this.jobs.addCost(job.id, cost),
        this.jobs.putAttempt(
          job.id,
          failedAttempt(originOf(ctx), {
            error: { type: error.type, message: `the job ended during the call: ${error.message}` },
            latencyMs,
            costUsd: cost,
          }),
          ledgerRow,
        ),
      ]),
    );
    this.logger.debug(`job ${data.job_id} hop ${data.hop}: call aborted, the job had ended`);
    return 'stood_down';
  }

  private async settle(ctx: AttemptContext, reservation: string, costUsd: number): Promise<void> {
    const { task, tenant } = ctx;
    const settled = await this.spend.settle(
      { task: task.name, tenant: tenant.name },
      reservation,
      costUsd,
    );
    this.metrics.setBudgetSpent(task.name, settled.spent_usd, tenant.name);
    if (settled.alert) this.budgetAlerts.fire(task, settled.day, tenant.name);
  }

  /**
   * A successful answer (schema-checked already) of a job that asked for caching is kept for its
   * task's cache.ttl_s; the table in force decides, so a task that stopped caching stores nothing.
   */
  private async storeInCache(ctx: AttemptContext, result: JobResult): Promise<void> {
    const ttl = ctx.task.cache?.ttl_s;
    if (!ctx.job.cache_key || ttl === undefined) return;
    try {
      const stored = await this.responseCache.put(ctx.job.cache_key, ctx.job.id, result, ttl);
      if (stored.stored) this.metrics.cacheStored(ctx.task.name, stored.bytes);
      else this.logger.debug(`job ${ctx.job.id}: answer of ${stored.bytes} bytes not cached`);
    } catch (err) {
      // The cache only saves later calls: losing an entry must never fail the job.
      this.logger.warn(`job ${ctx.job.id}: response cache: ${(err as Error).message}`);
    }
  }

  /**
   * Counts the call in the metrics and returns its ledger row, which the caller hands to the
   * attempt's outcome record: the row is written with it, in one step, into the ledger outbox.
   */
  private recordCall(
    ctx: AttemptContext,
    latencyMs: number,
    outcome: { result: CompletionResult; cost: number } | { error: ProviderError; cost: number },
  ): string | undefined {
    const { job, model, provider, task, data } = ctx;
    const ok = 'result' in outcome;
    this.metrics.providerCall({
      provider: provider.name,
      model: model.model,
      outcome: ok ? 'success' : outcome.error.type,
      duration_ms: latencyMs,
      task: task.name,
      cost_usd: outcome.cost,
      input_tokens: ok ? outcome.result.usage.input_tokens : 0,
      output_tokens: ok ? outcome.result.usage.output_tokens : 0,
    });
    const asksForJson = job.request.response_format?.type === 'json_schema';
    return this.ledger.ledgerRow({
      job_id: job.id,
      // The same key as the attempt's record (hop.try): a row drained twice is stored once.
      call_key: `${job.id}:h${data.hop}:t${ctx.tryNumber}`,
      tenant: job.tenant,
      task: task.name,
      attempt: data.hop + 1,
      provider: provider.name,
      model: model.model,
      model_revision: ok ? outcome.result.model_revision : null,
      system_fingerprint: ok ? (outcome.result.system_fingerprint ?? null) : null,
      provider_request_id: ok
        ? (outcome.result.request_id ?? null)
        : (outcome.error.requestId ?? null),
      prompt: job.request.messages,
      // A call cut mid-stream keeps what it had streamed: never the answer, but what it cost.
      response: ok ? ledgerResponse(outcome.result) : (outcome.error.partial?.text ?? null),
      error_type: ok ? null : outcome.error.type,
      error_message: ok ? null : outcome.error.message,
      latency_ms: Math.round(latencyMs),
      ttft_ms:
        ctx.firstDeltaAt === undefined ? null : Math.round(ctx.firstDeltaAt - ctx.callStartedAt),
      usage_estimated: ok
        ? (outcome.result.usage_estimated ?? false)
        : (outcome.error.partial?.usage_estimated ?? null),
      input_tokens: ok
        ? outcome.result.usage.input_tokens
        : (outcome.error.partial?.usage.input_tokens ?? null),
      output_tokens: ok
        ? outcome.result.usage.output_tokens
        : (outcome.error.partial?.usage.output_tokens ?? null),
      cost_usd: outcome.cost,
      // Only an answer can be schema-checked: a call that failed otherwise (5xx, timeout) has none.
      schema_valid: !asksForJson
        ? null
        : ok
          ? true
          : outcome.error.type === 'invalid_output'
            ? false
            : null,
      fallback_reason: data.fallback_reason ?? null,
      trace_id: currentTraceId() ?? job.trace_id ?? null,
      rule: job.plan.rule ?? null,
      split: job.plan.split ?? null,
      started_at: ctx.startedAt,
      finished_at: new Date(),
      policy: task.ledger,
      eval_run_id: job.eval_run_id ?? null,
    });
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

/** What the ledger keeps of an answer: its text, or the text and tool calls when it made some. */
function ledgerResponse(result: CompletionResult): string {
  return result.tool_calls
    ? JSON.stringify({ text: result.text, tool_calls: result.tool_calls })
    : result.text;
}

/**
 * An aborted call the provider had started is billed: what it had streamed, or at least the
 * estimated prompt, marked as an estimate.
 */
function withEstimatedPrompt(error: ProviderError, estimatedInputTokens: number): ProviderError {
  if (error.partial) return error;
  return new ProviderError(error.type, error.message, {
    provider: error.provider,
    status: error.status,
    requestId: error.requestId,
    cause: error.cause,
    partial: {
      text: '',
      usage: { input_tokens: estimatedInputTokens, output_tokens: 0 },
      usage_estimated: true,
    },
  });
}

function originOf(ctx: AttemptContext): AttemptOrigin {
  return {
    hop: ctx.data.hop,
    tryNumber: ctx.tryNumber,
    provider: ctx.provider.name,
    model: ctx.model.model,
    startedAt: ctx.startedAt,
  };
}
