import { createHash } from 'node:crypto';
import type { TaskConfig } from '../routing-table.types';
import type { SplitArm } from './split.types';

/**
 * A number in [0, 1) fixed by the key (the job id): retries, fallbacks and replays of a job read
 * its plan and so keep the arm, and the same id always lands on the same arm. The first 48 bits of
 * a SHA-256 are uniform enough for any split a routes file can express.
 */
export function splitDraw(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The arm whose share of the total weight covers the draw; arms keep their order in the file. */
export function drawSplitArm(arms: readonly SplitArm[], key: string): SplitArm {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  let point = splitDraw(key) * total;
  for (const arm of arms) {
    if (point < arm.weight) return arm;
    point -= arm.weight;
  }
  return arms[arms.length - 1];
}

/** How the draw is recorded: the model's own name and the arm's weight, `gemini-2.5-flash@10`. */
export function splitLabel(arm: SplitArm): string {
  const slash = arm.model.indexOf('/');
  return `${arm.model.slice(slash + 1)}@${arm.weight}`;
}

export interface SplitOutcome {
  /** The task with the drawn arm as its primary and no split left */
  task: TaskConfig;
  /** splitLabel of the drawn arm; null when the task has no split */
  split: string | null;
}

/** Draws the primary of a task with a weighted `primary`; the fallbacks keep their order. */
export function applySplit(task: TaskConfig, key: string): SplitOutcome {
  if (!task.split?.length) return { task, split: null };
  const arm = drawSplitArm(task.split, key);
  const drawn: TaskConfig = {
    ...task,
    primary: arm.model,
    fallbacks: task.fallbacks.filter((id) => id !== arm.model),
  };
  delete drawn.split;
  return { task: drawn, split: splitLabel(arm) };
}
