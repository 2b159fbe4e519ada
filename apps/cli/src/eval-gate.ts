import type { CandidateSummary } from '@switchyard/evals';

/** The part of a task the gate compares: its chain, and its `evals` thresholds. */
export interface GateTask {
  primary: string;
  split?: Array<{ model: string; weight: number }>;
  fallbacks: string[];
  evals?: { examples?: number; min_score?: number; max_drop?: number };
}

/** With no `evals.max_drop` on the task, a new primary may score at most this much below the old. */
export const DEFAULT_GATE_MAX_DROP = 0.05;

export interface ChangedTask {
  task: string;
  newPrimary: string;
  /** The primary in the base table; undefined for a task the base does not have */
  oldPrimary?: string;
}

/** Tasks whose chain (primary or fallbacks, in order) differs from the base table's, by name. */
export function changedTasks(
  base: Readonly<Record<string, GateTask>>,
  next: Readonly<Record<string, GateTask>>,
): ChangedTask[] {
  const chain = (t: GateTask) =>
    [...(t.split?.map((a) => `${a.model}*${a.weight}`) ?? [t.primary]), ...t.fallbacks].join(
      '\u0000',
    );
  return Object.entries(next)
    .filter(([name, task]) => !base[name] || chain(base[name]) !== chain(task))
    .map(([name, task]) => ({
      task: name,
      newPrimary: task.primary,
      ...(base[name] && { oldPrimary: base[name].primary }),
    }))
    .sort((a, b) => a.task.localeCompare(b.task));
}

export interface GateVerdict {
  ok: boolean;
  /** Why it failed, one sentence each; empty when it passed */
  reasons: string[];
  summary: string;
}

/**
 * A changed task passes when its new primary scores at least `min_score` (if set) and no more
 * than `max_drop` below the old primary (the task's, else DEFAULT_GATE_MAX_DROP).
 */
export function gateVerdict(
  change: ChangedTask,
  summaries: readonly CandidateSummary[],
  thresholds: { min_score?: number; max_drop?: number } = {},
): GateVerdict {
  const eps = 1e-9;
  const score = (id?: string) => summaries.find((s) => s.candidate === id)?.score;
  const next = score(change.newPrimary);
  const old = change.oldPrimary === undefined ? undefined : score(change.oldPrimary);
  const maxDrop = thresholds.max_drop ?? DEFAULT_GATE_MAX_DROP;
  const reasons: string[] = [];
  if (next === undefined) {
    reasons.push(`${change.newPrimary} was not scored`);
  } else {
    if (thresholds.min_score !== undefined && next < thresholds.min_score - eps) {
      reasons.push(
        `new primary ${change.newPrimary} scores ${next.toFixed(3)}, below min_score ${thresholds.min_score}`,
      );
    }
    if (old !== undefined && old - next > maxDrop + eps) {
      reasons.push(
        `new primary ${change.newPrimary} scores ${next.toFixed(3)}, ${(old - next).toFixed(3)} below the old primary ${change.oldPrimary} (${old.toFixed(3)}; max_drop ${maxDrop})`,
      );
    }
  }
  const against =
    change.oldPrimary && change.oldPrimary !== change.newPrimary && old !== undefined
      ? ` vs old primary ${change.oldPrimary} ${old.toFixed(3)}`
      : '';
  return {
    ok: reasons.length === 0,
    reasons,
    summary: `${change.task}: new primary ${change.newPrimary} ${next === undefined ? 'unscored' : next.toFixed(3)}${against}`,
  };
}
