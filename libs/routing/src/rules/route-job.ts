import type { TaskConfig } from '../routing-table.types';
import { applySplit } from '../splits/draw-split';
import { matchRule } from './match-rule';
import type { RuleSignals } from './rule.types';

/** How one job is routed before planning: the rule that matched and the split arm drawn. */
export interface JobRoute {
  /** The task as this job sees it: the rule applied, the split drawn */
  task: TaskConfig;
  /** Name of the rule that matched, or null */
  rule: string | null;
  /** The drawn arm (`gemini-2.5-flash@10`), or null when the primary is not a split */
  split: string | null;
  /** Providers the matched rule excludes (the planner skips their models, saying why) */
  exclude_providers: string[];
}

/** First the rules (a rule may replace the primary, with a split of its own), then the draw. */
export function routeJob(task: TaskConfig, signals: RuleSignals, jobId: string): JobRoute {
  const { rule, effectiveTask } = matchRule(task, signals);
  const drawn = applySplit(effectiveTask, jobId);
  return {
    task: drawn.task,
    rule: rule?.name ?? null,
    split: drawn.split,
    exclude_providers: rule?.use.exclude_providers ?? [],
  };
}
