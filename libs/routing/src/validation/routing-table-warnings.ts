import { estimateCostUsd, maxTokensFor, NOMINAL_INPUT_TOKENS } from '../planning/cost-estimation';
import type { RoutingIssue, RoutingTable, TaskConfig } from '../routing-table.types';
import { formatUsd } from '../format-usd';
import { childPath, indexPath } from './issue-path';
import { warnRules } from './rule-warnings';

/**
 * Problems that leave the table usable but probably not as intended. Checked on a table that has
 * already passed validation, so every model in a chain exists and its provider is declared.
 */
export function collectWarnings(table: RoutingTable, env: NodeJS.ProcessEnv): RoutingIssue[] {
  const warnings: RoutingIssue[] = [];
  for (const task of Object.values(table.tasks)) {
    const path = childPath('tasks', task.name);
    warnProviderDiversity(table, task, path, warnings);
    warnCapabilities(table, task, path, warnings);
    warnPrimaryCost(table, task, path, warnings);
    warnMaxTokens(table, task, path, warnings);
    warnRules(table, task, path, warnings);
  }
  warnProviders(table, env, warnings);
  return warnings;
}

/** The primary (every arm of a split), then the fallbacks, each with its path in the file. */
function chainOf(task: TaskConfig): Array<{ id: string; path: string }> {
  return [
    ...primariesOf(task),
    ...task.fallbacks.map((id, i) => ({
      id,
      path: indexPath(`${childPath('tasks', task.name)}.fallbacks`, i),
    })),
  ];
}

function primariesOf(task: TaskConfig): Array<{ id: string; path: string }> {
  const path = `${childPath('tasks', task.name)}.primary`;
  if (!task.split) return [{ id: task.primary, path }];
  return task.split.map((arm, i) => ({ id: arm.model, path: `${indexPath(path, i)}.model` }));
}

function warnProviderDiversity(
  table: RoutingTable,
  task: TaskConfig,
  path: string,
  warnings: RoutingIssue[],
): void {
  // With a split, each arm is the primary of some jobs: each needs a fallback elsewhere.
  const primaryProviders = new Set(primariesOf(task).map((p) => table.models[p.id].provider));
  for (const primaryProvider of primaryProviders) {
    const elsewhere = task.fallbacks.some((id) => table.models[id].provider !== primaryProvider);
    if (elsewhere) continue;
    const what =
      task.fallbacks.length === 0
        ? 'has no fallbacks'
        : `has fallbacks only on ${JSON.stringify(primaryProvider)}, the primary's provider`;
    warnings.push({
      path: `${path}.fallbacks`,
      message: `${what}; an outage of ${JSON.stringify(primaryProvider)} fails every job of this task`,
    });
  }
}

function warnCapabilities(
  table: RoutingTable,
  task: TaskConfig,
  path: string,
  warnings: RoutingIssue[],
): void {
  const chain = chainOf(task);
  for (const capability of task.requires) {
    const supporters = chain.filter((link) =>
      table.models[link.id].capabilities.includes(capability),
    );
    if (supporters.length === 0) {
      warnings.push({
        path: `${path}.requires`,
        message: `no model in the chain supports ${JSON.stringify(capability)}; every job of this task will be rejected`,
      });
      continue;
    }
    for (const link of chain) {
      if (supporters.includes(link)) continue;
      warnings.push({
        path: link.path,
        message: `${JSON.stringify(link.id)} lacks ${JSON.stringify(capability)}, which the task requires; it will always be skipped`,
      });
    }
  }
}

/**
 * "Worst case" here is a typical job at its full output allowance: NOMINAL_INPUT_TOKENS of input
 * plus the max_tokens the planner would assume (task max_tokens, else the model's cap bounded at
 * 4096). If even that does not fit, the planner skips the primary for most jobs of the task.
 */
function warnPrimaryCost(
  table: RoutingTable,
  task: TaskConfig,
  path: string,
  warnings: RoutingIssue[],
): void {
  const ceiling = task.budget.max_cost_usd;
  if (ceiling === undefined) return;
  for (const { id } of primariesOf(task)) {
    const primary = table.models[id];
    const maxTokens = maxTokensFor(primary, task);
    const cost = estimateCostUsd(primary, NOMINAL_INPUT_TOKENS, maxTokens);
    if (cost <= ceiling) continue;
    warnings.push({
      path: `${path}.budget.max_cost_usd`,
      message:
        `the primary ${JSON.stringify(primary.id)} may cost $${formatUsd(cost)} per call ` +
        `(${NOMINAL_INPUT_TOKENS} input + ${maxTokens} output tokens), over the task's ` +
        `$${formatUsd(ceiling)}; the planner will skip it unless jobs set a lower max_tokens`,
    });
  }
}

function warnMaxTokens(
  table: RoutingTable,
  task: TaskConfig,
  path: string,
  warnings: RoutingIssue[],
): void {
  if (task.max_tokens === undefined) return;
  for (const link of chainOf(task)) {
    const model = table.models[link.id];
    if (task.max_tokens <= model.max_output_tokens) continue;
    warnings.push({
      path: `${path}.max_tokens`,
      message: `${task.max_tokens} is over the ${model.max_output_tokens} output tokens ${JSON.stringify(model.id)} allows; calls to it will be rejected by the provider`,
    });
  }
}

function warnProviders(
  table: RoutingTable,
  env: NodeJS.ProcessEnv,
  warnings: RoutingIssue[],
): void {
  const used = new Set<string>();
  for (const task of Object.values(table.tasks)) {
    for (const link of chainOf(task)) used.add(table.models[link.id].provider);
  }
  for (const provider of Object.values(table.providers)) {
    const path = childPath('providers', provider.name);
    if (!used.has(provider.name)) {
      warnings.push({ path, message: 'is not used by any task' });
    }
    if (provider.api_key_env === undefined) {
      warnings.push({
        path,
        message: `has no api_key_env; calls to ${JSON.stringify(provider.name)} will go to the simulator`,
      });
    } else if (!env[provider.api_key_env]) {
      warnings.push({
        path: `${path}.api_key_env`,
        message: `${provider.api_key_env} is not set; calls to ${JSON.stringify(provider.name)} will go to the simulator`,
      });
    }
  }
}
