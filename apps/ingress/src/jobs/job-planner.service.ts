import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isCircuitOpen } from '@switchyard/circuit-breaker';
import type { JobRequest } from '@switchyard/jobs';
import {
  RESERVATION_RETRY_AFTER_S,
  RoutingTableHolder,
  dailyBudgetVerdict,
  effectiveBudget,
  limiterWaitMs,
  matchRule,
  planJob,
  routeJob,
  ruleSignals,
  tenantConfig,
  unspentUsd,
  utcDay,
  validateJobBudget,
  type DailyBudgetState,
  type JobBudget,
  type JobRoute,
  type Plan,
  type TaskConfig,
  type TenantConfig,
} from '@switchyard/routing';
import { DailySpendStore } from '@switchyard/routing-state';
import { ProviderLimiters } from '@switchyard/redis';
import { ApiError, type ErrorDetail } from '../http/api-error';
import { PlanningSignals } from './planning-signals';

/**
 * Feeds the pure planner with what Redis knows right now (open circuits, recent p95 latency, the
 * task's spend today), so a known outage costs new jobs no time: their first hop already goes to a
 * healthy provider, and a job is never accepted onto candidates the day's budget cannot pay.
 */
@Injectable()
export class JobPlanner {
  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly signals: PlanningSignals,
    private readonly spend: DailySpendStore,
    private readonly limiters: ProviderLimiters,
  ) {}

  /**
   * The job's route: the task with the first matching rule applied and its split drawn from the
   * job id. Everything after (budget checks, the plan) works on `route.task`.
   */
  route(task: TaskConfig, request: JobRequest, tenant: string, jobId: string): JobRoute {
    return routeJob(task, ruleSignals(request, tenant), jobId);
  }

  /** The task as the matching rule has it (the split, drawn per job id, changes no budget). */
  ruledTask(task: TaskConfig, request: JobRequest, tenant: string): TaskConfig {
    return matchRule(task, ruleSignals(request, tenant)).effectiveTask;
  }

  /** `task` is the job's effective task (route.task), so a rule's budget applies. */
  effectiveBudget(task: TaskConfig, request: JobRequest): JobBudget {
    return effectiveBudget(task, request.budget);
  }

  budgetProblems(task: TaskConfig, request: JobRequest): ErrorDetail[] {
    return validateJobBudget(task, request.budget);
  }

  /**
   * The plan with every skipped candidate and why, without refusing anything (for /plan). A task
   * with a split draws as a new job would, from a fresh id.
   */
  async explain(task: TaskConfig, request: JobRequest, tenant: string): Promise<Plan> {
    const route = this.route(task, request, tenant, `plan_${randomUUID()}`);
    return (await this.planAgainstToday(route, request, tenant)).plan;
  }

  private async planAgainstToday(
    route: JobRoute,
    request: JobRequest,
    tenantName: string,
  ): Promise<{
    plan: Plan;
    daily?: DailyBudgetState;
    tenant: TenantConfig;
    tenantDaily?: DailyBudgetState;
  }> {
    const { task } = route;
    const table = this.routing.current;
    const tenant = tenantConfig(table, tenantName);
    const ids = [task.primary, ...task.fallbacks];
    const providers = [
      ...new Set(ids.map((id) => table.models[id]?.provider).filter((p): p is string => !!p)),
    ];
    const limited = providers.filter((p) => table.providers[p]?.rate_limit?.requests_per_minute);
    const [{ circuits, p95, pausedUntil }, daily, tenantDaily, limiters] = await Promise.all([
      this.signals.read([...providers, ...ids], ids, providers),
      this.dailyBudget(task, tenantName),
      this.tenantDailyBudget(tenant),
      this.limiters.read(limited),
    ]);
    const now = Date.now();
    const budget = this.effectiveBudget(task, request);
    const plan = planJob({
      task,
      models: table.models,
      providers: table.providers,
      messages: request.messages,
      response_format: request.response_format,
      tools: request.tools,
      max_tokens: request.max_tokens,
      remaining_cost_usd: budget.max_cost_usd,
      remaining_ms: budget.deadline_ms,
      isCircuitOpen: (key) => isCircuitOpen(circuits[key], now),
      p95LatencyMs: (id) => p95.get(id),
      // A 429's pause, or the backlog the provider's own requests_per_minute has yet to let start.
      providerWaitMs: (provider) => {
        const paused =
          pausedUntil[provider] === undefined ? 0 : Math.max(0, pausedUntil[provider] - now);
        const perMinute = table.providers[provider]?.rate_limit?.requests_per_minute;
        const limiter = limiters[provider];
        const queued = perMinute && limiter ? limiterWaitMs({ perMinute, ...limiter }) : 0;
        return Math.max(paused, queued);
      },
      daily_budget: daily,
      tenant,
      tenant_daily_budget: tenantDaily,
      route,
    });
    return { plan, daily, tenant, tenantDaily };
  }

  /** The plan a new job of this tenant runs with, on its route; refuses a job no candidate can serve. */
  async plan(route: JobRoute, request: JobRequest, tenantName: string): Promise<Plan> {
    const { task } = route;
    const { plan, daily, tenant, tenantDaily } = await this.planAgainstToday(
      route,
      request,
      tenantName,
    );
    // Of the two daily limits, the one with less left is the one that stops the job.
    const tenantBinds =
      tenantDaily !== undefined &&
      (daily === undefined || unspentUsd(tenantDaily) < unspentUsd(daily));
    if (plan.candidates.length === 0) {
      const details: ErrorDetail[] = plan.skipped.map((s) => ({
        field: s.id,
        problem: `${s.reason}: ${s.detail}`,
      }));
      if (
        plan.skipped.length > 0 &&
        plan.skipped.every((s) => s.reason === 'circuit_open' || s.reason === 'rate_limited')
      ) {
        throw new ApiError(
          503,
          'providers_unavailable',
          `every candidate of task "${task.name}" is behind an open circuit or rate-limited; retry shortly`,
          details,
        );
      }
      if (plan.skipped.some((s) => s.reason === 'budget_exhausted')) {
        throw budgetExhausted(task, 'is spent', undefined, tenantBinds ? tenant : undefined);
      }
      throw new ApiError(
        422,
        'no_candidate',
        `no model of task "${task.name}" can serve this job: ${details.map((d) => `${d.field} (${d.problem})`).join('; ')}`,
        details,
      );
    }
    const fitsToday = (cost: number) =>
      (!daily || dailyBudgetVerdict(cost, daily) === 'fits') &&
      (!tenantDaily || dailyBudgetVerdict(cost, tenantDaily) === 'fits');
    if (!plan.candidates.some((c) => fitsToday(c.estimated_cost_usd))) {
      // Only reservations of calls in flight stand in the way: they settle within seconds.
      throw budgetExhausted(
        task,
        'is held by calls in flight for now',
        RESERVATION_RETRY_AFTER_S,
        tenantBinds ? tenant : undefined,
      );
    }
    return plan;
  }

  /** The task's day for this tenant: each tenant has the task's daily_usd to itself. */
  private async dailyBudget(
    task: TaskConfig,
    tenant: string,
  ): Promise<DailyBudgetState | undefined> {
    const limit = task.budget.daily_usd;
    if (limit === undefined) return undefined;
    const today = await this.spend.snapshot(
      { task: task.name, tenant },
      utcDay(new Date()),
      task.budget,
    );
    return { limit_usd: limit, spent_usd: today.spent_usd, reserved_usd: today.reserved_usd };
  }

  private async tenantDailyBudget(tenant: TenantConfig): Promise<DailyBudgetState | undefined> {
    const limit = tenant.daily_usd;
    if (limit === undefined) return undefined;
    const today = await this.spend.tenantSnapshot(tenant.name, utcDay(new Date()), limit);
    return { limit_usd: limit, spent_usd: today.spent_usd, reserved_usd: today.reserved_usd };
  }
}

/**
 * 429 budget_exhausted: until midnight UTC when the day cannot pay any candidate, a few seconds
 * when only reservations of calls in flight stand in the way.
 */
function budgetExhausted(
  task: TaskConfig,
  state: string,
  retryAfterS?: number,
  tenant?: TenantConfig,
): ApiError {
  const now = Date.now();
  const resetsAt = new Date(Date.parse(`${utcDay(new Date(now))}T00:00:00Z`) + 86_400_000);
  const wait = retryAfterS ?? Math.max(1, Math.ceil((resetsAt.getTime() - now) / 1000));
  const whose = tenant
    ? `the daily budget of tenant "${tenant.name}" ($${tenant.daily_usd})`
    : `the daily budget of task "${task.name}" ($${task.budget.daily_usd})`;
  return new ApiError(
    429,
    'budget_exhausted',
    `${whose} ${state}; retry in ${wait} s (it resets at ${resetsAt.toISOString()})`,
    [],
    {
      task: task.name,
      ...(tenant ? { tenant: tenant.name } : {}),
      resets_at: resetsAt.toISOString(),
      retry_after_s: wait,
    },
  );
}
