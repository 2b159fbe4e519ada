import { TaskDto } from '../dto/task.dto';
import {
  DEFAULT_ALERT_AT,
  DEFAULT_LEDGER_POLICY,
  DEFAULT_ON_INVALID_OUTPUT,
  DEFAULT_RETRY,
} from '../routing-defaults';
import type { OnInvalidOutput, RoutingIssue, TaskBudget, TaskConfig } from '../routing-table.types';
import { readCapabilities } from './capability-list';
import { readTaskEvals } from './eval-schedule';
import { validateDto } from './dto-validation';
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
  const { instance: dto, issues: dtoIssues } = validateDto(TaskDto, raw, path, fromEnv);
  issues.push(...dtoIssues);
  if (!dto) return { issues };

  const primary =
    dto.primary === undefined
      ? undefined
      : readPrimary((raw as { primary: unknown }).primary, `${path}.primary`, fromEnv, issues);
  const chainLinks: ChainLink[] = [...(primary?.links ?? [])];
  if (Array.isArray(dto.fallbacks)) {
    dto.fallbacks.forEach((value, i) =>
      chainLinks.push({ value, path: indexPath(`${path}.fallbacks`, i) }),
    );
  }
  checkChain(chainLinks, models, issues);
  // Not a list: the DTO has said so already.
  const rules = !Array.isArray(dto.rules)
    ? undefined
    : readRuleEntries((raw as { rules: unknown }).rules, `${path}.rules`, fromEnv, models);
  if (rules) issues.push(...rules.issues);
  const requires = Array.isArray(dto.requires)
    ? readCapabilities(dto.requires, `${path}.requires`, issues)
    : [];
  const evals = readTaskEvals(dto.evals, `${path}.evals`, issues);
  if (issues.length > 0) return { issues };

  const budget: TaskBudget = { alert_at: dto.budget?.alert_at ?? DEFAULT_ALERT_AT };
  if (dto.budget?.max_cost_usd !== undefined) budget.max_cost_usd = dto.budget.max_cost_usd;
  if (dto.budget?.latency_ms !== undefined) budget.latency_ms = dto.budget.latency_ms;
  if (dto.budget?.daily_usd !== undefined) budget.daily_usd = dto.budget.daily_usd;

  const task: TaskConfig = {
    name,
    primary: primary?.primary as string,
    fallbacks: (dto.fallbacks ?? []) as string[],
    requires,
    budget,
    on_invalid_output: (dto.on_invalid_output as OnInvalidOutput) ?? DEFAULT_ON_INVALID_OUTPUT,
    retry: {
      attempts: dto.retry?.attempts ?? DEFAULT_RETRY.attempts,
      backoff_ms: dto.retry?.backoff_ms ?? DEFAULT_RETRY.backoff_ms,
    },
    ledger: {
      store_prompts: dto.ledger?.store_prompts ?? DEFAULT_LEDGER_POLICY.store_prompts,
      store_responses: dto.ledger?.store_responses ?? DEFAULT_LEDGER_POLICY.store_responses,
    },
  };
  if (dto.max_tokens !== undefined) task.max_tokens = dto.max_tokens;
  if (rules) task.rules = rules.rules;
  if (primary?.split) task.split = primary.split;
  if (dto.ledger?.max_chars !== undefined) task.ledger.max_chars = dto.ledger.max_chars;
  if (dto.cache !== undefined) task.cache = { ttl_s: dto.cache.ttl_s };
  if (evals !== undefined) task.evals = evals;
  return { task, issues };
}
