import { formatUsd } from '@switchyard/routing';
import type { CandidateSummary, CheckResult } from './eval.types';
import { compareByScore, pickBest } from './summarize-candidate';

/** One example's row of a stored run, as `GET /v1/evals/:id` lists it. */
export interface EvalExampleRow {
  id: string;
  candidate: string;
  model_revision?: string;
  score: number;
  checks: Pick<CheckResult, 'type' | 'score' | 'detail'>[];
  error?: string | { type: string; message?: string } | null;
}

/** What the Markdown report is made of: a run as `GET /v1/evals/:id` returns it. */
export interface EvalRunReport {
  id?: string;
  task: string;
  status?: string;
  created_at?: string;
  finished_at?: string;
  candidates: CandidateSummary[];
  examples?: EvalExampleRow[];
}

const pct = (rate: number): string => `${Math.round(rate * 1000) / 10}%`;
const score = (value: number): string => value.toFixed(3);
const usd = (amount: number): string => `$${formatUsd(amount)}`;
const revisions = (s: CandidateSummary): string => s.model_revisions.join(', ') || '—';

interface Column {
  title: string;
  value: (s: CandidateSummary) => string;
  /** Numbers are right-aligned. */
  right?: boolean;
}

const COLUMNS: Column[] = [
  { title: 'candidate', value: (s) => s.candidate },
  { title: 'model revision', value: revisions },
  { title: 'score', value: (s) => score(s.score), right: true },
  { title: 'pass rate', value: (s) => pct(s.pass_rate), right: true },
  {
    title: 'JSON adherence',
    value: (s) => (s.json_adherence === null ? '—' : pct(s.json_adherence)),
    right: true,
  },
  { title: 'refusals', value: (s) => pct(s.refusal_rate), right: true },
  { title: 'p50 latency', value: (s) => `${s.latency_ms.p50} ms`, right: true },
  { title: 'p95 latency', value: (s) => `${s.latency_ms.p95} ms`, right: true },
  { title: 'cost/1k', value: (s) => usd(s.cost_per_1k_usd), right: true },
];

/** The "best on score / cost / latency" lines both reports end their table with. */
export function bestLines(summaries: readonly CandidateSummary[]): string[] {
  const best = pickBest(summaries);
  const find = (name?: string) => summaries.find((s) => s.candidate === name);
  const onScore = find(best.score);
  const onCost = find(best.cost);
  const onLatency = find(best.latency);
  if (!onScore || !onCost || !onLatency) return [];
  return [
    `best on score: ${onScore.candidate} (${score(onScore.score)})`,
    `best on cost: ${onCost.candidate} (${usd(onCost.cost_per_1k_usd)} per 1k examples)`,
    `best on latency: ${onLatency.candidate} (p50 ${onLatency.latency_ms.p50} ms, p95 ${onLatency.latency_ms.p95} ms)`,
  ];
}

/** The terminal table: one row per candidate, best score first (ties: cheaper, faster), then the best-on lines. */
export function renderEvalTable(summaries: readonly CandidateSummary[]): string {
  if (summaries.length === 0) return 'no candidates were evaluated\n';
  const rows = [...summaries].sort(compareByScore).map((s) => COLUMNS.map((c) => c.value(s)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (COLUMNS[i].right ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS.map((c) => c.title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...bestLines(summaries),
    '',
  ].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function errorText(error: EvalExampleRow['error']): string | undefined {
  if (!error) return undefined;
  return typeof error === 'string'
    ? error
    : `${error.type}${error.message ? `: ${error.message}` : ''}`;
}

/** The most example rows the report lists under "Examples that did not pass". */
export const MARKDOWN_MAX_FAILED_ROWS = 50;

/**
 * The Markdown report of a run: heading, the candidates table, the best-on lines, and the examples
 * that did not pass with the checks that failed them (at most 50 rows).
 */
export function renderEvalMarkdown(run: EvalRunReport): string {
  const out: string[] = [`# Evaluation: ${run.task}`, ''];
  const facts = [
    run.id && `run \`${run.id}\``,
    run.status && `status ${run.status}`,
    run.finished_at && `finished ${run.finished_at}`,
  ].filter(Boolean);
  if (facts.length > 0) out.push(facts.join(' · '), '');
  const sorted = [...run.candidates].sort(compareByScore);
  const examples = sorted[0]?.examples ?? 0;
  out.push(
    `${sorted.length} candidate${sorted.length === 1 ? '' : 's'}, ${examples} example${examples === 1 ? '' : 's'} each.`,
    '',
  );
  if (sorted.length > 0) {
    out.push(`| ${COLUMNS.map((c) => c.title).join(' | ')} |`);
    out.push(`| ${COLUMNS.map((c) => (c.right ? '---:' : '---')).join(' | ')} |`);
    for (const s of sorted) out.push(`| ${COLUMNS.map((c) => cell(c.value(s))).join(' | ')} |`);
    out.push(
      '',
      ...bestLines(sorted).map((l) => `- ${l.replace(/^(best on \w+): (\S+)/, '$1: **$2**')}`),
      '',
    );
  }
  const failed = (run.examples ?? []).filter((e) => e.score < 1);
  if (failed.length > 0) {
    out.push('## Examples that did not pass', '');
    out.push('| example | candidate | score | why |', '| --- | --- | ---: | --- |');
    for (const e of failed.slice(0, MARKDOWN_MAX_FAILED_ROWS)) {
      const why =
        errorText(e.error) ??
        e.checks
          .filter((c) => c.score < 1)
          .map((c) => `${c.type}: ${c.detail}`)
          .join('; ');
      out.push(`| ${cell(e.id)} | ${cell(e.candidate)} | ${score(e.score)} | ${cell(why)} |`);
    }
    if (failed.length > MARKDOWN_MAX_FAILED_ROWS) {
      out.push('', `…and ${failed.length - MARKDOWN_MAX_FAILED_ROWS} more.`);
    }
    out.push('');
  }
  return out.join('\n');
}
