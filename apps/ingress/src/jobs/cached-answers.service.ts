import { Inject, Injectable } from '@nestjs/common';
import {
  cachedResult,
  JobFinalizer,
  JobStep,
  JobStore,
  ResponseCache,
  responseCacheKey,
  routingVersion,
  type JobRecord,
  type JobRequest,
} from '@switchyard/jobs';
import {
  RoutingTableHolder,
  estimateInputTokens,
  tenantConfig,
  type TaskConfig,
} from '@switchyard/routing';
import { LedgerService } from '@switchyard/runtime';
import { SwitchyardMetrics, traceIdOf, type TraceCarrier } from '@switchyard/telemetry';
import type { CacheDirectives } from './cache-control';

/** How a submission uses the response cache: its key, and whether it may read and write it. */
export interface CacheUse {
  key: string;
  read: boolean;
  write: boolean;
}

/**
 * The ingress side of the response cache: the key a job's answer is cached under, and a hit turned
 * into a job that ended at once (recorded, finalized with its webhook and events like any other,
 * with a `cached` ledger row). Storing is the worker's, after a successful call.
 */
@Injectable()
export class CachedAnswers {
  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly cache: ResponseCache,
    private readonly jobs: JobStore,
    private readonly finalizer: JobFinalizer,
    private readonly ledger: LedgerService,
    @Inject(SwitchyardMetrics) private readonly metrics: SwitchyardMetrics,
  ) {}

  /** Undefined when the task caches nothing or the request opted out of reading and writing. */
  use(
    tenant: string,
    task: TaskConfig,
    request: JobRequest,
    directives: CacheDirectives,
  ): CacheUse | undefined {
    if (!task.cache || (!directives.read && !directives.write)) return undefined;
    const key = responseCacheKey({
      tenant,
      task: task.name,
      // The task's entry and the tenant's as loaded now: a change to either (a new chain, a
      // narrower provider list) never serves an answer produced under the old one.
      routing_version: routingVersion(task, tenantConfig(this.routing.current, tenant)),
      request,
    });
    return { key, ...directives };
  }

  /**
   * The job a hit answers with, already succeeded, or null on a miss. `id` is the job id the
   * submission would have used (its Idempotency-Key claim may name it).
   */
  async serve(
    tenant: string,
    task: TaskConfig,
    request: JobRequest,
    id: string,
    key: string,
    trace: TraceCarrier,
  ): Promise<{ job: JobRecord; created: boolean } | null> {
    const hit = await this.cache.get(key);
    this.metrics.cacheLookup(task.name, hit ? hit.bytes : null);
    if (!hit) return null;
    const now = new Date();
    const result = cachedResult(hit.answer);
    const job: JobRecord = {
      id,
      tenant,
      task: task.name,
      status: 'queued',
      request,
      plan: {
        candidates: [],
        skipped: [],
        estimated_input_tokens: estimateInputTokens(request.messages),
        max_tokens: request.max_tokens ?? task.max_tokens ?? result.usage.output_tokens,
      },
      deadline_at: now.getTime(),
      cost_usd: 0,
      current_hop: 0,
      cache_hit_of: hit.answer.job_id,
      trace_id: traceIdOf(trace),
      trace,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    if (!(await this.jobs.create(job))) {
      // A concurrent request with the same Idempotency-Key wrote the job first.
      const existing = await this.jobs.get(id);
      if (existing) return { job: existing, created: false };
    }
    // The `cached` row is written with the job's end: no crash of this process loses it.
    await this.finalizer.succeed(job, result, JobStep.cache, {
      ledgerRow: this.ledgerRow(job, task, result, now),
    });
    return {
      job: { ...job, status: 'succeeded', result, finished_at: new Date().toISOString() },
      created: true,
    };
  }

  /** The `cached` ledger row: no provider call, the original call's provider and revision. */
  private ledgerRow(
    job: JobRecord,
    task: TaskConfig,
    result: NonNullable<JobRecord['result']>,
    startedAt: Date,
  ): string | undefined {
    const asksForJson = job.request.response_format?.type === 'json_schema';
    return this.ledger.ledgerRow({
      job_id: job.id,
      tenant: job.tenant,
      task: task.name,
      attempt: 1,
      provider: result.provider,
      model: result.model,
      model_revision: result.model_revision,
      prompt: job.request.messages,
      response: result.tool_calls
        ? JSON.stringify({ text: result.text, tool_calls: result.tool_calls })
        : result.text,
      latency_ms: 0,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
      schema_valid: asksForJson ? true : null,
      cached: true,
      // One row per job however often this runs (the ledger keeps one row per call_key).
      call_key: `${job.id}:cached`,
      trace_id: job.trace_id ?? null,
      started_at: startedAt,
      finished_at: new Date(),
      policy: task.ledger,
    });
  }
}
