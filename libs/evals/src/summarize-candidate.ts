import { percentile } from '@switchyard/routing';
import type { CandidateSummary, ScoredExample } from './eval.types';

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Rounds away float noise (0.30000000000000004) so stored and printed summaries read cleanly. */
function tidy(n: number, digits = 6): number {
  return Number(n.toFixed(digits));
}

/**
 * What a run adds up to for one candidate: mean score, pass rate, JSON adherence (over the
 * examples that ask for JSON), refusal rate, nearest-rank p50/p95 latency over every call (failed
 * ones included: a timeout is part of the latency a user sees), mean cost and cost per 1,000.
 */
export function summarizeCandidate(
  candidate: string,
  scored: readonly ScoredExample[],
): CandidateSummary {
  const revisions: string[] = [];
  for (const s of scored) {
    const r = s.output.modelRevision;
    if (r && !revisions.includes(r)) revisions.push(r);
  }
  const jsonAsked = scored.filter((s) => s.json_adherent !== undefined);
  const latencies = scored.map((s) => s.output.latencyMs).filter((l) => Number.isFinite(l));
  const meanCost = mean(scored.map((s) => s.output.costUsd));
  return {
    candidate,
    model_revisions: revisions,
    score: tidy(mean(scored.map((s) => s.score))),
    pass_rate: tidy(mean(scored.map((s) => (s.passed ? 1 : 0)))),
    json_adherence:
      jsonAsked.length === 0 ? null : tidy(mean(jsonAsked.map((s) => (s.json_adherent ? 1 : 0)))),
    refusal_rate: tidy(mean(scored.map((s) => (s.refused ? 1 : 0)))),
    latency_ms: {
      p50: Math.round(percentile(latencies, 50) ?? 0),
      p95: Math.round(percentile(latencies, 95) ?? 0),
    },
    mean_cost_usd: tidy(meanCost, 9),
    cost_per_1k_usd: tidy(meanCost * 1000, 6),
    examples: scored.length,
    errors: scored.filter((s) => s.output.errorType !== undefined).length,
  };
}

/** Which candidate is best on each axis; undefined when there are no candidates. */
export interface BestCandidates {
  /** Highest score; ties go to the cheaper, then the faster. */
  score?: string;
  /** Lowest cost per 1,000 examples; ties go to the higher score. */
  cost?: string;
  /** Lowest p50 latency, then lowest p95; ties go to the higher score. */
  latency?: string;
}

export function compareByScore(a: CandidateSummary, b: CandidateSummary): number {
  return b.score - a.score || a.cost_per_1k_usd - b.cost_per_1k_usd || compareByLatency(a, b);
}

function compareByLatency(a: CandidateSummary, b: CandidateSummary): number {
  return a.latency_ms.p50 - b.latency_ms.p50 || a.latency_ms.p95 - b.latency_ms.p95;
}

function first(
  summaries: readonly CandidateSummary[],
  compare: (a: CandidateSummary, b: CandidateSummary) => number,
): string | undefined {
  return [...summaries].sort(compare)[0]?.candidate;
}

export function pickBest(summaries: readonly CandidateSummary[]): BestCandidates {
  return {
    score: first(summaries, compareByScore),
    cost: first(summaries, (a, b) => a.cost_per_1k_usd - b.cost_per_1k_usd || b.score - a.score),
    latency: first(summaries, (a, b) => compareByLatency(a, b) || b.score - a.score),
  };
}
