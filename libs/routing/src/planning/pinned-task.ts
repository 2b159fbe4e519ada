import type { ModelConfig, TaskConfig } from '../routing-table.types';

export type PinVerdict = { ok: true; task: TaskConfig } | { ok: false; problem: string };

/**
 * A job pinned to one `provider/model` runs on that candidate alone, with the task's settings
 * (requirements, budget, retries, ledger policy). Any model of the routing table in force may be
 * pinned, not only the task's chain, so a model can be evaluated on a task before a table change
 * promotes it. With no fallbacks, the planner has nothing else to offer and the router nothing to
 * fall back to; the task's `rules` and weighted `primary` split are dropped for the same reason.
 */
export function pinTask(
  task: TaskConfig,
  models: Readonly<Record<string, ModelConfig>>,
  pin: string,
): PinVerdict {
  if (!models[pin]) {
    const chain = [task.primary, ...task.fallbacks].join(', ');
    return {
      ok: false,
      problem: `${pin} is not a model of the routing table in force (task "${task.name}" routes to ${chain})`,
    };
  }
  // Neither the task's rules nor its split may move the job off the pinned model.
  const { rules: _rules, split: _split, ...settings } = task;
  return { ok: true, task: { ...settings, primary: pin, fallbacks: [] } };
}

/** Every model a task routes to: each arm of a weighted primary (or the primary), then the fallbacks. */
export function taskChain(task: Pick<TaskConfig, 'primary' | 'split' | 'fallbacks'>): string[] {
  const primaries = task.split?.length ? task.split.map((arm) => arm.model) : [task.primary];
  return [...new Set([...primaries, ...task.fallbacks])];
}
