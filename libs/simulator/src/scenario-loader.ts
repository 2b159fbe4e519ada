import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ScenarioError } from './scenario-error';
import type { ScenarioFile } from './scenario-types';
import { parseScenario } from './scenario-validation';

/** Reads a scenario from a `.json`, `.yaml` or `.yml` file and validates it. */
export async function loadScenarioFile(path: string): Promise<ScenarioFile> {
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ScenarioError(`${path}: ${(err as Error).message}`);
  }
  return parseScenario(raw, path);
}
