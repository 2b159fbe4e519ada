import { applyRule } from '../rules/match-rule';
import { conditionImplies } from '../rules/rule-shadowing';
import type { RoutingIssue, RoutingTable, TaskConfig } from '../routing-table.types';
import { indexPath } from './issue-path';

/**
 * A rule no job can reach (an earlier rule matches every job it would), and a rule whose chain
 * leaves the job on one provider (no fallback elsewhere: an outage of it fails every such job).
 */
export function warnRules(
  table: RoutingTable,
  task: TaskConfig,
  path: string,
  warnings: RoutingIssue[],
): void {
  const rules = task.rules ?? [];
  rules.forEach((rule, i) => {
    const rulePath = indexPath(`${path}.rules`, i);
    const shadow = rules.slice(0, i).findIndex((e) => conditionImplies(rule.when, e.when));
    if (shadow >= 0) {
      warnings.push({
        path: `${rulePath}.when`,
        message: `rule ${JSON.stringify(rule.name)} can never match: the earlier rule ${JSON.stringify(rules[shadow].name)} (rules[${shadow}]) matches every job it would`,
      });
    }
    const { use } = rule;
    if (!use.primary && !use.split && !use.fallbacks && !use.exclude_providers) return;
    const effective = applyRule(task, rule);
    const excluded = new Set(use.exclude_providers ?? []);
    const primaries = effective.split?.map((arm) => arm.model) ?? [effective.primary];
    for (const primary of primaries) {
      const provider = table.models[primary].provider;
      if (excluded.has(provider)) continue;
      const elsewhere = effective.fallbacks.some((id) => {
        const other = table.models[id].provider;
        return other !== provider && !excluded.has(other);
      });
      if (elsewhere) continue;
      warnings.push({
        path: `${rulePath}.use`,
        message: `the chain of rule ${JSON.stringify(rule.name)} has no fallback on a provider other than ${JSON.stringify(provider)} (of ${JSON.stringify(primary)}); an outage of ${JSON.stringify(provider)} fails every job the rule matches`,
      });
    }
  });
}
