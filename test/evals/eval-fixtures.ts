import { resolve } from 'node:path';
import { REPO_ROOT } from '@switchyard/testing';

export const EVAL_KEY = 'sk-acme-eval-key-3';
export const EVALS_FIXTURE_DIR = resolve(REPO_ROOT, 'test/fixtures/evals');

const INVOICES: Array<[string, string, number]> = [
  ['1001', 'ACME', 99.5],
  ['1002', 'Globex', 1250],
  ['1003', 'Initech', 42.75],
];

/**
 * Scripted answers to test/fixtures/evals/extraction.jsonl: openai extracts every invoice right,
 * google gets every total wrong, anthropic is left to the simulator's generic schema sample
 * (valid JSON, wrong values): 1, 2/3 and 1/3.
 */
export const INVOICE_REPLIES = INVOICES.flatMap(([n, vendor, total]) => [
  { match: `Invoice ${n}`, provider: 'openai', json: { vendor, total } },
  { match: `Invoice ${n}`, provider: 'google', json: { vendor, total: total + 1 } },
]);

/** After a worse openai revision: the vendor still right, the total wrong (2/3). */
export const WORSE_OPENAI_REPLIES = INVOICES.flatMap(([n, vendor, total]) => [
  { match: `Invoice ${n}`, provider: 'openai', json: { vendor, total: total * 10 } },
  { match: `Invoice ${n}`, provider: 'google', json: { vendor, total: total + 1 } },
]);
