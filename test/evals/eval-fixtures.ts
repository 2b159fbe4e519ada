import { join, resolve } from 'node:path';
import { loadScenarioFile } from '@switchyard/simulator';
import { REPO_ROOT } from '@switchyard/testing';

/** A key of SWITCHYARD_EVAL_KEYS (tenant acme, eval role) in the suites that start a stack. */
export const EVAL_KEY = 'sk-acme-eval-key-3';
/** The shipped datasets (evals/*.jsonl) and their scripted simulator answers. */
export const SHIPPED_EVALS_DIR = resolve(REPO_ROOT, 'evals');

export function loadShippedAnswers() {
  return loadScenarioFile(join(SHIPPED_EVALS_DIR, 'simulator-answers.yaml'));
}
