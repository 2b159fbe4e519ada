import { Injectable } from '@nestjs/common';
import type { JobPlan, JobRequest } from '@switchyard/jobs';
import {
  DailySpendStore,
  RESERVATION_RETRY_AFTER_S,
  RoutingTableHolder,
  dailyBudgetVerdict,
  effectiveBudget,
  limiterWaitMs,
  planJob,
  utcDay,
  validateJobBudget,
  type DailyBudgetState,
  type JobBudget,
  type Plan,
  type TaskConfig,
} from '@switchyard/routing';
import { ProviderLimiters, ProviderPauses } from '@switchyard/queue';
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
    private readonly pauses: ProviderPauses,
    private readonly limiters: ProviderLimiters,
  ) {}

  effectiveBudget(task: TaskConfig, request: JobRequest): JobBudget {
    return effectiveBudget(task, request.budget);
  }

  budgetProblems(task: TaskConfig, request: JobRequest): ErrorDetail[] {
    return validateJobBudget(task, request.budget);
  }

  /** The plan with every skipped candidate and why, without refusing anything (for /plan). */
  async explain(task: TaskConfig, request: JobRequest): Promise<Plan> {
    return (await this.planAgainstToday(task, request)).plan;
  }

  private async planAgainstToday(
    task: TaskConfig,
    request: JobRequest,
  ): Promise<{ plan: Plan; daily?: DailyBudgetState }> {
    const table = this.routing.current;
    const ids = [task.primary, ...task.fallbacks];
    const providers = [
      ...new Set(ids.map((id) => table.models[id]?.provider).filter((p): p is string => !!p)),
    ];
    const limited = providers.filter((p) => table.providers[p]?.rate_limit?.requests_per_minute);
    const [{ circuits, p95 }, daily, pausedUntil, limiters] = await Promise.all([
      this.signals.read([...providers, ...ids], ids),
      this.dailyBudget(task),
      this.pauses.pausedUntil(providers),
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
      isCircuitOpen: (c) =>
        PlanningSignals.isOpen(circuits[c.provider], now) ||
        PlanningSignals.isOpen(circuits[c.id], now),
      p95LatencyMs: (id) => p95.get(id),
      // A 429's pause, or the backlog the provider's own requests_per_minute has yet to let start.
      providerWaitMs: (provider) => {
        const paused = pausedUntil[provider] === undefined ? 0 : pausedUntil[provider] - now;
        const perMinute = table.providers[provider]?.rate_limit?.requests_per_minute;
        const limiter = limiters[provider];
        const queued = perMinute && limiter ? limiterWaitMs({ perMinute, ...limiter }) : 0;
        return Math.max(paused, queued);
      },
      daily_budget: daily,
    });
    return { plan, daily };
  }

  /** The plan a new job runs with; refuses a job no candidate can serve. */
  async plan(task: TaskConfig, request: JobRequest): Promise<JobPlan> {
    const { plan, daily } = await this.planAgainstToday(task, request);
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
        throw budgetExhausted(task, 'is spent');
      }
      throw new ApiError(
        422,
        'no_candidate',
        `no model of task "${task.name}" can serve this job: ${details.map((d) => `${d.field} (${d.problem})`).join('; ')}`,
        details,
      );
    }
    if (
      daily &&
      plan.candidates.every((c) => dailyBudgetVerdict(c.estimated_cost_usd, daily) !== 'fits')
    ) {
      // Only reservations of calls in flight stand in the way: they settle within seconds.
      throw budgetExhausted(task, 'is held by calls in flight for now', RESERVATION_RETRY_AFTER_S);
    }
    return {
      candidates: plan.candidates.map((c) => ({
        provider: c.provider,
        model: c.model,
        estimated_cost_usd: c.estimated_cost_usd,
        max_tokens: c.max_tokens,
      })),
      skipped: plan.skipped.map((s) => ({
        provider: s.provider,
        model: s.model,
        reason: s.reason,
        detail: s.detail,
      })),
      estimated_input_tokens: plan.estimated_input_tokens,
      max_tokens: plan.max_tokens,
    };
  }

  private async dailyBudget(task: TaskConfig): Promise<DailyBudgetState | undefined> {
    const limit = task.budget.daily_usd;
    if (limit === undefined) return undefined;
    const today = await this.spend.snapshot(task.name, utcDay(new Date()), task.budget);
    return { limit_usd: limit, spent_usd: today.spent_usd, reserved_usd: today.reserved_usd };
  }
}

/**
 * 429 budget_exhausted: until midnight UTC when the day cannot pay any candidate, a few seconds
 * when only reservations of calls in flight stand in the way.
 */
function budgetExhausted(task: TaskConfig, state: string, retryAfterS?: number): ApiError {
  const now = Date.now();
  const resetsAt = new Date(Date.parse(`${utcDay(new Date(now))}T00:00:00Z`) + 86_400_000);
  const wait = retryAfterS ?? Math.max(1, Math.ceil((resetsAt.getTime() - now) / 1000));
  return new ApiError(
    429,
    'budget_exhausted',
    `the daily budget of task "${task.name}" ($${task.budget.daily_usd}) ${state}; retry in ${wait} s (it resets at ${resetsAt.toISOString()})`,
    [],
    { task: task.name, resets_at: resetsAt.toISOString(), retry_after_s: wait },
  );
}
