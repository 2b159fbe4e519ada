import { formatUsd } from '../format-usd';
import type { TaskConfig } from '../routing-table.types';

/** What a job may ask for: only ever tighter than its task's budget. */
export interface JobBudget {
  max_cost_usd?: number;
  /** Deadline from submission, like the task's latency_ms */
  deadline_ms?: number;
}

export interface JobBudgetProblem {
  field: string;
  problem: string;
}

/** The smaller of the task's and the job's limit on each axis; absent means unlimited. */
export function effectiveBudget(task: Pick<TaskConfig, 'budget'>, job: JobBudget = {}): JobBudget {
  const budget: JobBudget = {};
  const maxCost = smaller(task.budget.max_cost_usd, job.max_cost_usd);
  const deadline = smaller(task.budget.latency_ms, job.deadline_ms);
  if (maxCost !== undefined) budget.max_cost_usd = maxCost;
  if (deadline !== undefined) budget.deadline_ms = deadline;
  return budget;
}

/**
 * Problems with a job's budget, reported per field for a 400 response. A job may tighten its
 * task's budget but not loosen it: the task's numbers are the operator's spending decision.
 */
export function validateJobBudget(
  task: Pick<TaskConfig, 'budget'>,
  job: JobBudget | undefined,
): JobBudgetProblem[] {
  if (!job) return [];
  const problems: JobBudgetProblem[] = [];
  const check = (
    field: keyof JobBudget,
    value: number | undefined,
    taskLimit: number | undefined,
    show: (n: number) => string,
  ) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      problems.push({ field: `budget.${field}`, problem: 'must be a positive number' });
    } else if (taskLimit !== undefined && value > taskLimit) {
      problems.push({
        field: `budget.${field}`,
        problem: `may only tighten the task's budget (task allows ${show(taskLimit)})`,
      });
    }
  };
  check('max_cost_usd', job.max_cost_usd, task.budget.max_cost_usd, formatUsd);
  check('deadline_ms', job.deadline_ms, task.budget.latency_ms, String);
  return problems;
}

function smaller(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
