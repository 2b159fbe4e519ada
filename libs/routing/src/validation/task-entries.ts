import { TASK_FIELDS } from '../fields/task.fields';
import {
  DEFAULT_ALERT_AT,
  DEFAULT_LEDGER_POLICY,
  DEFAULT_ON_INVALID_OUTPUT,
  DEFAULT_RETRY,
} from '../routing-defaults';
import type { OnInvalidOutput, RoutingIssue, TaskBudget, TaskConfig } from '../routing-table.types';
import { readCapabilities } from './capability-list';
import { readTaskEvals } from './eval-schedule';
import { validateFields } from './field-validation';
import { indexPath } from './issue-path';
import type { ModelDirectory } from './model-directory';
import { checkChain, type ChainLink } from './model-chain';
import { nameProblem } from './names';
import { readRuleEntries } from './rule-entries';
import { readPrimary } from './split-entries';

export interface TaskEntryResult {
  task?: TaskConfig;
  issues: RoutingIssue[];
}

/** Validates one `tasks:` entry, its model chain against the directory, and fills in defaults. */
export function readTaskEntry(
  name: string,
  raw: unknown,
  path: string,
  fromEnv: ReadonlySet<string>,
  models: ModelDirectory,
): TaskEntryResult {
  const issues: RoutingIssue[] = [];
  const badName = nameProblem('task', name);
  if (badName) issues.push({ path, message: badName });
  const { value: fields, issues: fieldIssues } = validateFields(TASK_FIELDS, raw, path, fromEnv);
  issues.push(...fieldIssues);
  if (!fields) return { issues };

  const primary =
    fields.primary === undefined
      ? undefined
      : readPrimary((raw as { primary: unknown }).primary, `${path}.primary`, fromEnv, issues);
  const chainLinks: ChainLink[] = [...(primary?.links ?? [])];
  if (Array.isArray(fields.fallbacks)) {
    fields.fallbacks.forEach((value, i) =>
      chainLinks.push({ value, path: indexPath(`${path}.fallbacks`, i) }),
    );
  }
  checkChain(chainLinks, models, issues);
  // Not a list: the DTO has said so already.
  const rules = !Array.isArray(fields.rules)
    ? undefined
    : readRuleEntries((raw as { rules: unknown }).rules, `${path}.rules`, fromEnv, models);
  if (rules) issues.push(...rules.issues);
  const requires = Array.isArray(fields.requires)
    ? readCapabilities(fields.requires, `${path}.requires`, issues)
    : [];
  const evals = readTaskEvals(fields.evals, `${path}.evals`, issues);
  if (issues.length > 0) return { issues };

  const budget: TaskBudget = { alert_at: fields.budget?.alert_at ?? DEFAULT_ALERT_AT };
  if (fields.budget?.max_cost_usd !== undefined) budget.max_cost_usd = fields.budget.max_cost_usd;
  if (fields.budget?.latency_ms !== undefined) budget.latency_ms = fields.budget.latency_ms;
  if (fields.budget?.daily_usd !== undefined) budget.daily_usd = fields.budget.daily_usd;

  const task: TaskConfig = {
    name,
    primary: primary?.primary as string,
    fallbacks: (fields.fallbacks ?? []) as string[],
    requires,
    budget,
    on_invalid_output: (fields.on_invalid_output as OnInvalidOutput) ?? DEFAULT_ON_INVALID_OUTPUT,
    retry: {
      attempts: fields.retry?.attempts ?? DEFAULT_RETRY.attempts,
      backoff_ms: fields.retry?.backoff_ms ?? DEFAULT_RETRY.backoff_ms,
    },
    ledger: {
      store_prompts: fields.ledger?.store_prompts ?? DEFAULT_LEDGER_POLICY.store_prompts,
      store_responses: fields.ledger?.store_responses ?? DEFAULT_LEDGER_POLICY.store_responses,
    },
  };
  if (fields.max_tokens !== undefined) task.max_tokens = fields.max_tokens;
  if (rules) task.rules = rules.rules;
  if (primary?.split) task.split = primary.split;
  if (fields.ledger?.max_chars !== undefined) task.ledger.max_chars = fields.ledger.max_chars;
  if (fields.cache !== undefined) task.cache = { ttl_s: fields.cache.ttl_s };
  if (evals !== undefined) task.evals = evals;
  return { task, issues };
}
