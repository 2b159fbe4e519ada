import { RoutingTableError } from '../routing-table-error';
import type {
  LoadedRoutingTable,
  ModelConfig,
  ProviderConfig,
  RoutingIssue,
  RoutingTable,
  TaskConfig,
  TenantConfig,
} from '../routing-table.types';
import { describeValue } from '../validation/describe-value';
import { didYouMean } from '../validation/did-you-mean';
import { isMapping } from '../validation/field-validation';
import { childPath } from '../validation/issue-path';
import { ModelDirectory } from '../validation/model-directory';
import { mergeOverCatalog, readModelEntry } from '../validation/model-entries';
import { readProviderEntry } from '../validation/provider-entries';
import { collectWarnings } from '../validation/routing-table-warnings';
import { readTaskEntry } from '../validation/task-entries';
import { readTenantEntry } from '../validation/tenant-entries';
import { interpolateEnv } from './env-interpolation';
import { loadModelCatalog, type ModelCatalog } from './model-catalog';
import { parseYaml } from './yaml-document';

export interface RoutingTableOptions {
  /** An already-loaded catalog; by default the shipped one is read from catalogPath. */
  catalog?: ModelCatalog;
  catalogPath?: string;
}

const TOP_LEVEL_KEYS = ['providers', 'models', 'tasks', 'tenants'] as const;

/**
 * Turns routes-file text into a validated RoutingTable, or throws a RoutingTableError listing
 * every problem found. `source` only names the file in messages and in the table.
 */
export function parseRoutingTable(
  yamlText: string,
  source: string,
  env: Readonly<NodeJS.ProcessEnv>,
  options: RoutingTableOptions = {},
): LoadedRoutingTable {
  const catalog = options.catalog ?? loadModelCatalog(options.catalogPath);
  const parsed = parseYaml(yamlText);
  if (parsed.issues.length > 0) throw new RoutingTableError(source, parsed.issues);

  const interpolated = interpolateEnv(parsed.value, env);
  const issues: RoutingIssue[] = [];
  const root = interpolated.value;
  if (!isMapping(root)) {
    throw new RoutingTableError(source, [
      {
        path: '(root)',
        message: `must be a mapping with providers, models and tasks, got ${describeValue(root)}`,
      },
    ]);
  }
  for (const key of Object.keys(root)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      issues.push({
        path: childPath('', key),
        message: `unknown top-level field${didYouMean(key, TOP_LEVEL_KEYS)}; expected ${TOP_LEVEL_KEYS.join(', ')}`,
      });
    }
  }
  const fromEnv = interpolated.fromEnv;

  const providers = nameTable<ProviderConfig>();
  for (const [name, raw] of sectionEntries(root, 'providers', true, issues)) {
    const entry = readProviderEntry(name, raw, childPath('providers', name), fromEnv);
    issues.push(...entry.issues);
    if (entry.provider) providers[name] = entry.provider;
  }
  const declared = new Set(sectionEntries(root, 'providers', false, []).map(([name]) => name));

  const allModels = new Map<string, ModelConfig>(catalog);
  for (const [id, raw] of sectionEntries(root, 'models', false, issues)) {
    const path = childPath('models', id);
    const entry = readModelEntry(id, mergeOverCatalog(catalog.get(id), raw), path, fromEnv);
    issues.push(...entry.issues);
    if (!entry.model) continue;
    allModels.set(id, entry.model);
    if (!declared.has(entry.model.provider)) {
      issues.push({
        path,
        message: `unknown provider ${JSON.stringify(entry.model.provider)}${didYouMean(entry.model.provider, declared)}; declare it under providers`,
      });
    }
  }
  const directory = new ModelDirectory(allModels, declared);

  const tasks = nameTable<TaskConfig>();
  for (const [name, raw] of sectionEntries(root, 'tasks', true, issues)) {
    const entry = readTaskEntry(name, raw, childPath('tasks', name), fromEnv, directory);
    issues.push(...entry.issues);
    if (entry.task) tasks[name] = entry.task;
  }

  const tenants = nameTable<TenantConfig>();
  for (const [name, raw] of sectionEntries(root, 'tenants', false, issues)) {
    const entry = readTenantEntry(name, raw, childPath('tenants', name), fromEnv, declared);
    issues.push(...entry.issues);
    if (entry.tenant) tenants[name] = entry.tenant;
  }

  const errors = withoutEchoes([...interpolated.issues, ...issues], interpolated.issues);
  if (errors.length > 0) throw new RoutingTableError(source, errors);

  const models = nameTable<ModelConfig>();
  for (const id of directory.usableIds()) models[id] = allModels.get(id) as ModelConfig;
  const table: RoutingTable = { providers, models, tasks, tenants, source };
  return { table, warnings: collectWarnings(table, env) };
}

/**
 * A section keyed by names that come from outside (tasks in a request path or body): without a
 * prototype, `tasks["constructor"]` or `tasks["__proto__"]` is simply absent instead of being
 * Object.prototype's member, which every `tasks[name]` lookup in every process would trip on.
 */
function nameTable<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The entries of a top-level section, reporting a missing or malformed section once. */
function sectionEntries(
  root: Record<string, unknown>,
  key: (typeof TOP_LEVEL_KEYS)[number],
  required: boolean,
  issues: RoutingIssue[],
): Array<[string, unknown]> {
  const section = root[key];
  if (section === undefined || section === null) {
    if (required)
      issues.push({
        path: key,
        message: `is required and must declare at least one ${key.slice(0, -1)}`,
      });
    return [];
  }
  if (!isMapping(section)) {
    issues.push({ path: key, message: `must be a mapping, got ${describeValue(section)}` });
    return [];
  }
  const entries = Object.entries(section);
  if (required && entries.length === 0) {
    issues.push({ path: key, message: `must declare at least one ${key.slice(0, -1)}` });
  }
  return entries;
}

/** A variable that failed to interpolate leaves its field empty; say so once, not twice. */
function withoutEchoes(
  issues: RoutingIssue[],
  interpolationIssues: RoutingIssue[],
): RoutingIssue[] {
  const failedPaths = new Set(interpolationIssues.map((issue) => issue.path));
  return issues.filter(
    (issue) => interpolationIssues.includes(issue) || !failedPaths.has(issue.path),
  );
}
