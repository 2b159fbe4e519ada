import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RoutingTableError } from '../routing-table-error';
import type { ModelConfig, RoutingIssue } from '../routing-table.types';
import { isMapping } from '../validation/field-validation';
import { childPath } from '../validation/issue-path';
import { readModelEntry } from '../validation/model-entries';
import { parseYaml } from './yaml-document';

const CATALOG_IN_REPO = join('libs', 'routing', 'catalog', 'models.yaml');

/**
 * Where the shipped catalog is. Beside the sources it is `../catalog/models.yaml`; compiled code
 * runs from dist/libs/routing/src, which tsc does not copy YAML into, so the search walks up to
 * the directory holding libs/routing/catalog (the repository root, or the image's app directory).
 */
export function defaultCatalogPath(from: string = __dirname): string {
  const beside = resolve(from, '..', 'catalog', 'models.yaml');
  if (existsSync(beside)) return beside;
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, CATALOG_IN_REPO);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return beside;
  }
}

export type ModelCatalog = ReadonlyMap<string, ModelConfig>;

/** Parses catalog YAML (`models:` mapping, same entry format as a routes file). */
export function parseModelCatalog(text: string, source: string): ModelCatalog {
  const issues: RoutingIssue[] = [];
  const parsed = parseYaml(text);
  issues.push(...parsed.issues);
  const catalog = new Map<string, ModelConfig>();
  const models = isMapping(parsed.value) ? parsed.value.models : undefined;
  if (parsed.issues.length === 0 && !isMapping(models)) {
    issues.push({ path: 'models', message: 'the catalog must have a models: mapping' });
  }
  if (isMapping(models)) {
    for (const [id, raw] of Object.entries(models)) {
      const entry = readModelEntry(id, raw, childPath('models', id), new Set());
      issues.push(...entry.issues);
      if (entry.model) catalog.set(id, entry.model);
    }
  }
  if (issues.length > 0) throw new RoutingTableError(source, issues);
  return catalog;
}

export function loadModelCatalog(path: string = defaultCatalogPath()): ModelCatalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RoutingTableError(path, [
      { path, message: `cannot read the model catalog (${errorCode(error)})` },
    ]);
  }
  return parseModelCatalog(text, path);
}

/** `ENOENT` and the like; no instanceof, as fs errors may come from another realm (jest). */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    if ('code' in error && typeof error.code === 'string') return error.code;
    if ('message' in error && typeof error.message === 'string') return error.message;
  }
  return String(error);
}
