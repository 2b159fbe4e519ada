import type { TaskConfig } from '../routing-table.types';
import { rulePattern } from './rule-regex';
import {
  METADATA_FIELD_PREFIX,
  type RoutingRule,
  type RuleComparison,
  type RuleCondition,
  type RuleScalar,
  type RuleSignals,
} from './rule.types';

export interface RuleMatch {
  /** The first rule of the task whose `when` holds, or null */
  rule: RoutingRule | null;
  /** The task with that rule's `use` applied (the task itself when none matched) */
  effectiveTask: TaskConfig;
}

/** Rules are tried in order and the first whose condition holds wins; the rest are not looked at. */
export function matchRule(task: TaskConfig, signals: RuleSignals): RuleMatch {
  for (const rule of task.rules ?? []) {
    if (conditionHolds(rule.when, signals)) return { rule, effectiveTask: applyRule(task, rule) };
  }
  return { rule: null, effectiveTask: task };
}

export function conditionHolds(condition: RuleCondition, signals: RuleSignals): boolean {
  if ('all' in condition) return condition.all.every((c) => conditionHolds(c, signals));
  if ('any' in condition) return condition.any.some((c) => conditionHolds(c, signals));
  if ('not' in condition) return !conditionHolds(condition.not, signals);
  return comparisonHolds(condition, fieldValue(condition.field, signals));
}

function fieldValue(field: string, signals: RuleSignals): unknown {
  if (field.startsWith(METADATA_FIELD_PREFIX)) {
    const key = field.slice(METADATA_FIELD_PREFIX.length);
    // Own keys only: `metadata.constructor` must not read Object.prototype's member.
    return Object.prototype.hasOwnProperty.call(signals.metadata, key)
      ? signals.metadata[key]
      : undefined;
  }
  return (signals as unknown as Record<string, unknown>)[field];
}

/**
 * A missing metadata key, or a value of another type than the operator compares (a string for
 * `gt`, a number for `matches`), never matches: `not` turns that into a match.
 */
function comparisonHolds({ op, value }: RuleComparison, actual: unknown): boolean {
  switch (op) {
    case 'eq':
      return actual === value;
    case 'in':
      return (value as RuleScalar[]).includes(actual as RuleScalar);
    case 'gt':
      return typeof actual === 'number' && actual > (value as number);
    case 'gte':
      return typeof actual === 'number' && actual >= (value as number);
    case 'lt':
      return typeof actual === 'number' && actual < (value as number);
    case 'lte':
      return typeof actual === 'number' && actual <= (value as number);
    case 'matches':
      return typeof actual === 'string' && rulePattern(value as string).test(actual);
  }
}

/**
 * The task as the rule would have it. A rule's `primary` without `fallbacks` keeps the task's
 * fallbacks (and `fallbacks` alone keeps its primary); a model the new primary already names is
 * dropped from the fallbacks rather than tried twice. Budget limits given replace the task's,
 * `require` adds to its `requires`. `exclude_providers` is the planner's (see PlanInput).
 */
export function applyRule(task: TaskConfig, rule: RoutingRule): TaskConfig {
  const { use } = rule;
  const effective: TaskConfig = { ...task, budget: { ...task.budget, ...use.budget } };
  if (use.primary !== undefined || use.split !== undefined) {
    effective.primary = use.split?.[0]?.model ?? (use.primary as string);
    if (use.split) effective.split = use.split;
    else delete effective.split;
  }
  if (use.fallbacks !== undefined) effective.fallbacks = use.fallbacks;
  const primaries = new Set(effective.split?.map((arm) => arm.model) ?? [effective.primary]);
  effective.fallbacks = effective.fallbacks.filter((id) => !primaries.has(id));
  if (use.require?.length) {
    effective.requires = [...new Set([...task.requires, ...use.require])];
  }
  return effective;
}
