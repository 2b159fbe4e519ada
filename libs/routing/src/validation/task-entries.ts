import { TaskDto } from '../dto/task.dto';
import {
  DEFAULT_ALERT_AT,
  DEFAULT_LEDGER_POLICY,
  DEFAULT_ON_INVALID_OUTPUT,
  DEFAULT_RETRY,
} from '../routing-defaults';
import type { OnInvalidOutput, RoutingIssue, TaskBudget, TaskConfig } from '../routing-table.types';
import { readCapabilities } from './capability-list';
import { describeValue } from './describe-value';
import { closestMatch } from './did-you-mean';
import { validateDto } from './dto-validation';
import { indexPath } from './issue-path';
import type { ModelDirectory } from './model-directory';
import { nameProblem, splitModelId } from './names';

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

  const chainLinks: Array<{ value: unknown; path: string }> = [];
  if (typeof dto.primary === 'string' && dto.primary !== '') {
    chainLinks.push({ value: dto.primary, path: `${path}.primary` });
  }
  if (Array.isArray(dto.fallbacks)) {
    dto.fallbacks.forEach((value, i) =>
      chainLinks.push({ value, path: indexPath(`${path}.fallbacks`, i) }),
    );
  }
  checkChain(chainLinks, models, issues);
  const requires = Array.isArray(dto.requires)
    ? readCapabilities(dto.requires, `${path}.requires`, issues)
    : [];
  if (issues.length > 0) return { issues };

  const budget: TaskBudget = { alert_at: dto.budget?.alert_at ?? DEFAULT_ALERT_AT };
  if (dto.budget?.max_cost_usd !== undefined) budget.max_cost_usd = dto.budget.max_cost_usd;
  if (dto.budget?.latency_ms !== undefined) budget.latency_ms = dto.budget.latency_ms;
  if (dto.budget?.daily_usd !== undefined) budget.daily_usd = dto.budget.daily_usd;

  const task: TaskConfig = {
    name,
    primary: dto.primary,
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
  if (dto.ledger?.max_chars !== undefined) task.ledger.max_chars = dto.ledger.max_chars;
  if (dto.cache !== undefined) task.cache = { ttl_s: dto.cache.ttl_s };
  return { task, issues };
}

function checkChain(
  links: Array<{ value: unknown; path: string }>,
  models: ModelDirectory,
  issues: RoutingIssue[],
): void {
  const seenAt = new Map<string, string>();
  for (const link of links) {
    if (typeof link.value !== 'string' || !splitModelId(link.value)) {
      issues.push({
        path: link.path,
        message: `must be a "provider/model" string, got ${describeValue(link.value)}`,
      });
      continue;
    }
    const id = link.value;
    const firstSeen = seenAt.get(id);
    if (firstSeen !== undefined) {
      issues.push({
        path: link.path,
        message: `${JSON.stringify(id)} appears twice in the chain (already at ${firstSeen})`,
      });
      continue;
    }
    seenAt.set(id, link.path);
    const problem = chainLinkProblem(id, models);
    if (problem) issues.push({ path: link.path, message: problem });
  }
}

function chainLinkProblem(id: string, models: ModelDirectory): string | undefined {
  const model = models.all.get(id);
  if (!model) {
    const suggestion = closestMatch(id, models.suggestionPool());
    const hint = suggestion
      ? ` (did you mean ${JSON.stringify(suggestion)}?)`
      : '; declare it under models: if it is new';
    return `unknown model ${JSON.stringify(id)}${hint}`;
  }
  if (!models.declaredProviders.has(model.provider)) {
    return (
      `model ${JSON.stringify(id)} belongs to provider ${JSON.stringify(model.provider)}, ` +
      'which is not declared under providers'
    );
  }
  return undefined;
}
