import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  AttemptEnqueuer,
  IdempotencyStore,
  JobStore,
  type JobRecord,
  type JobRequest,
} from '@switchyard/jobs';
import { RoutingTableHolder, pinTask, tenantConfig, type TaskConfig } from '@switchyard/routing';
import { TenantRateLimiter } from '@switchyard/routing-state';
import { schemaShapeProblems } from '@switchyard/schemas';
import { SWITCHYARD_CONFIG } from '@switchyard/runtime';
import { continuedTraceCarrier, traceIdOf, type TraceCarrier } from '@switchyard/telemetry';
import { validateWebhookUrl } from '@switchyard/webhooks';
import { ApiError, type ErrorDetail } from '../http/api-error';
import type { CreateJobDto } from './dto/create-job.dto';
import { CachedAnswers } from './cached-answers.service';
import { cacheDirectives } from './cache-control';
import { JobPlanner } from './job-planner.service';
import { requireTask } from './require-task';
import { toJobRequest } from './job-request';
import { toolConversationProblems } from './tool-conversation';

/** Who submits, beyond the tenant: the key's roles, and for the eval runner its run. */
export interface SubmissionContext {
  /** The key may pin a job (`eval` role, or open mode) */
  mayPin: boolean;
  /** Set by the eval runner only: tags the job and its ledger rows */
  evalRunId?: string;
  /** The request's Cache-Control header (no-cache, no-store) */
  cacheControl?: string;
  /** The trace of the request (RequestTrace); a job without one starts a trace of its own */
  trace?: TraceCarrier;
}

export interface Submission {
  job: JobRecord;
  /** false when an Idempotency-Key matched an earlier submission */
  created: boolean;
}

const DEFAULT_DEADLINE_MS = 10 * 60 * 1000;

/** Validate → plan → record → enqueue. Nothing is enqueued unless the job record exists first. */
@Injectable()
export class JobSubmissionService {
  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly planner: JobPlanner,
    private readonly jobs: JobStore,
    private readonly idempotency: IdempotencyStore,
    private readonly enqueuer: AttemptEnqueuer,
    private readonly tenantLimiter: TenantRateLimiter,
    private readonly cachedAnswers: CachedAnswers,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  async submit(
    tenant: string,
    dto: CreateJobDto,
    idempotencyKey?: string,
    context: SubmissionContext = { mayPin: false },
  ): Promise<Submission> {
    await this.admitTenant(tenant);
    const task = this.pinned(requireTask(this.routing.current, dto.task), dto.pin, context);
    const request = toJobRequest(dto);
    // A rule may raise or lower the budget a job is checked against.
    await this.checkRequest(this.planner.ruledTask(task, request, tenant), request);
    // A pinned job (an evaluation) measures its model: it never takes a cached answer nor leaves one.
    const cache =
      dto.pin === undefined && context.evalRunId === undefined
        ? this.cachedAnswers.use(
            tenant,
            task,
            request,
            cacheDirectives(context.cacheControl, dto.cache),
          )
        : undefined;

    let id = newJobId();
    if (idempotencyKey !== undefined) {
      if (idempotencyKey.length === 0 || idempotencyKey.length > 255) {
        throw new ApiError(400, 'invalid_request', 'Idempotency-Key must be 1 to 255 characters', [
          { field: 'Idempotency-Key', problem: 'must be 1 to 255 characters' },
        ]);
      }
      const claim = await this.idempotency.claim(
        tenant,
        idempotencyKey,
        // The pin is part of what was asked: the same body pinned elsewhere is another request.
        IdempotencyStore.fingerprint(dto.pin ? `${task.name}@${dto.pin}` : task.name, request),
        id,
      );
      if (claim.outcome === 'conflict') {
        throw new ApiError(
          409,
          'idempotency_conflict',
          'this Idempotency-Key was already used with a different request body',
          [{ field: 'Idempotency-Key', problem: 'reused with a different body' }],
          { job_id: claim.jobId },
        );
      }
      if (claim.outcome === 'existing') {
        const existing = await this.jobs.get(claim.jobId);
        if (existing) return this.replay(existing);
        id = claim.jobId; // claimed earlier by a request that died before creating the job
      }
    }

    const trace = continuedTraceCarrier(context.trace);
    if (cache?.read) {
      const hit = await this.cachedAnswers.serve(tenant, task, request, id, cache.key, trace);
      if (hit) return hit;
    }

    const route = this.planner.route(task, request, tenant, id);
    const plan = await this.planner.plan(route, request, tenant);
    const now = new Date();
    const budget = this.planner.effectiveBudget(route.task, request);
    const job: JobRecord = {
      id,
      tenant,
      task: task.name,
      status: 'queued',
      request,
      plan,
      deadline_at: now.getTime() + (budget.deadline_ms ?? DEFAULT_DEADLINE_MS),
      max_cost_usd: budget.max_cost_usd,
      cost_usd: 0,
      current_hop: 0,
      ...(dto.pin !== undefined && { pin: dto.pin }),
      ...(context.evalRunId !== undefined && { eval_run_id: context.evalRunId }),
      ...(cache?.write && { cache_key: cache.key }),
      trace_id: traceIdOf(trace),
      trace,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    if (!(await this.jobs.create(job))) {
      // A concurrent request with the same Idempotency-Key wrote the job first.
      const existing = await this.jobs.get(id);
      if (existing) return this.replay(existing);
    }
    await this.enqueueFirstHop(job);
    return { job, created: true };
  }

  /**
   * A replayed job still `queued` may be one whose first enqueue failed after its record was
   * written (the client got a 503 and retried): queue hop 0 again. Its BullMQ id is deterministic,
   * so when it was queued after all this adds nothing.
   */
  private async replay(existing: JobRecord): Promise<Submission> {
    if (existing.status === 'queued' && existing.current_hop === 0) {
      await this.enqueueFirstHop(existing);
    }
    return { job: existing, created: false };
  }

  private async enqueueFirstHop(job: JobRecord): Promise<void> {
    const first = job.plan.candidates[0];
    await this.enqueuer.enqueue(job, {
      hop: 0,
      candidate: 0,
      provider: first.provider,
      model: first.model,
      trace: job.trace,
    });
  }

  /** The tenant's requests_per_minute, counted in Redis so it holds across ingress replicas. */
  private async admitTenant(tenant: string): Promise<void> {
    const perMinute = tenantConfig(this.routing.current, tenant).requests_per_minute;
    if (perMinute === undefined) return;
    const verdict = await this.tenantLimiter.admit(tenant, perMinute);
    if (verdict.admitted) return;
    const wait = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    throw new ApiError(
      429,
      'rate_limited',
      `tenant "${tenant}" is limited to ${perMinute} job submissions per minute; retry in ${wait} s`,
      [],
      { tenant, retry_after_s: wait },
    );
  }

  /** A pinned job's task is the task narrowed to the pinned model (see pinTask). */
  private pinned(
    task: TaskConfig,
    pin: string | undefined,
    context: SubmissionContext,
  ): TaskConfig {
    if (pin === undefined) return task;
    if (!context.mayPin) {
      throw new ApiError(
        403,
        'forbidden',
        'pin is allowed only for keys with the eval role (SWITCHYARD_EVAL_KEYS) or in open mode',
        [{ field: 'pin', problem: 'this API key lacks the eval role' }],
      );
    }
    const verdict = pinTask(task, this.routing.current.models, pin);
    if (!verdict.ok) {
      throw new ApiError(422, 'unknown_model', `pin: ${verdict.problem}`, [
        { field: 'pin', problem: verdict.problem },
      ]);
    }
    return verdict.task;
  }

  private async checkRequest(task: TaskConfig, request: JobRequest): Promise<void> {
    const details: ErrorDetail[] = [];
    details.push(...this.planner.budgetProblems(task, request));
    details.push(...toolConversationProblems(request));
    const format = request.response_format;
    if (format?.type === 'json_schema') {
      // Checked against the draft's meta-schema, never compiled here: compiling is the worker's,
      // once per distinct schema (see @switchyard/schemas).
      for (const p of schemaShapeProblems(format.schema)) {
        details.push({ field: `response_format.schema${p.path}`, problem: p.problem });
      }
    }
    if (request.webhook_url) {
      const verdict = await validateWebhookUrl(request.webhook_url, {
        allowPrivate: this.config.webhookAllowPrivate,
      });
      if (!verdict.ok) {
        throw new ApiError(422, 'invalid_webhook_url', `webhook_url: ${verdict.problem}`, [
          { field: 'webhook_url', problem: verdict.problem },
        ]);
      }
    }
    if (details.length) {
      throw ApiError.badRequest(details.map((d) => `${d.field}: ${d.problem}`).join('; '), details);
    }
  }
}

function newJobId(): string {
  // Time-ordered prefix keeps ids roughly sortable in logs; the random part makes them unguessable.
  return `job_${Date.now().toString(36)}${randomBytes(10).toString('hex')}`;
}
