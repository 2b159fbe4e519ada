import { Injectable } from '@nestjs/common';
import type { JobPlan, JobRequest } from '@switchyard/jobs';
import {
  RoutingTableHolder,
  effectiveBudget,
  planJob,
  validateJobBudget,
  type JobBudget,
  type Plan,
  type TaskConfig,
} from '@switchyard/routing';
import { ApiError, type ErrorDetail } from '../http/api-error';
import { PlanningSignals } from './planning-signals';

/**
 * Feeds the pure planner with what Redis knows right now (open circuits, recent p95 latency), so a
 * known outage costs new jobs no time: their first hop already goes to a healthy provider.
 */
@Injectable()
export class JobPlanner {
  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly signals: PlanningSignals,
  ) {}

  effectiveBudget(task: TaskConfig, request: JobRequest): JobBudget {
    return effectiveBudget(task, request.budget);
  }

  budgetProblems(task: TaskConfig, request: JobRequest): ErrorDetail[] {
    return validateJobBudget(task, request.budget);
  }

  /** The plan with every skipped candidate and why, without refusing anything (for /plan). */
  async explain(task: TaskConfig, request: JobRequest): Promise<Plan> {
    const table = this.routing.current;
    const ids = [task.primary, ...task.fallbacks];
    const providers = [
      ...new Set(ids.map((id) => table.models[id]?.provider).filter((p): p is string => !!p)),
    ];
    const { circuits, p95 } = await this.signals.read([...providers, ...ids], ids);
    const now = Date.now();
    const budget = this.effectiveBudget(task, request);
    return planJob({
      task,
      models: table.models,
      messages: request.messages,
      response_format: request.response_format,
      max_tokens: request.max_tokens,
      remaining_cost_usd: budget.max_cost_usd,
      remaining_ms: budget.deadline_ms,
      isCircuitOpen: (c) =>
        PlanningSignals.isOpen(circuits[c.provider], now) ||
        PlanningSignals.isOpen(circuits[c.id], now),
      p95LatencyMs: (id) => p95.get(id),
    });
  }

  /** The plan a new job runs with; refuses a job no candidate can serve. */
  async plan(task: TaskConfig, request: JobRequest): Promise<JobPlan> {
    const plan = await this.explain(task, request);
    if (plan.candidates.length === 0) {
      const details: ErrorDetail[] = plan.skipped.map((s) => ({
        field: s.id,
        problem: `${s.reason}: ${s.detail}`,
      }));
      if (plan.skipped.length > 0 && plan.skipped.every((s) => s.reason === 'circuit_open')) {
        throw new ApiError(
          503,
          'providers_unavailable',
          `every candidate of task "${task.name}" is behind an open circuit; retry shortly`,
          details,
        );
      }
      throw new ApiError(
        422,
        'no_candidate',
        `no model of task "${task.name}" can serve this job: ${details.map((d) => `${d.field} (${d.problem})`).join('; ')}`,
        details,
      );
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
}
