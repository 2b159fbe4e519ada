import { formatUsd } from '@switchyard/routing';
import type { CandidateSummary } from './eval.types';
import { compareByScore } from './summarize-candidate';

export interface SuggestedOrdering {
  /** The candidates best first: the suggested `primary`, then `fallbacks`. */
  order: string[];
  primary?: string;
  fallbacks: string[];
  /** One sentence per step down the order: what choosing the earlier candidate costs or saves. */
  tradeoffs: string[];
}

function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? 'the same' : 'more than free';
  const r = a / b;
  return `${Number(r.toFixed(r < 10 ? 2 : 0))}×`;
}

function tradeoff(better: CandidateSummary, next: CandidateSummary): string {
  const scoreGap = better.score - next.score;
  const head =
    scoreGap > 0
      ? `${better.candidate} before ${next.candidate}: score ${better.score.toFixed(3)} vs ${next.score.toFixed(3)}`
      : `${better.candidate} before ${next.candidate}: same score ${better.score.toFixed(3)}`;
  const costA = better.cost_per_1k_usd;
  const costB = next.cost_per_1k_usd;
  const cost =
    costA === costB
      ? `same cost ($${formatUsd(costA)} per 1k)`
      : costA > costB
        ? `costs ${ratio(costA, costB)} as much ($${formatUsd(costA)} vs $${formatUsd(costB)} per 1k)`
        : `cheaper ($${formatUsd(costA)} vs $${formatUsd(costB)} per 1k)`;
  const latA = better.latency_ms.p50;
  const latB = next.latency_ms.p50;
  const latency =
    latA === latB
      ? `same p50 latency (${latA} ms)`
      : `${latA > latB ? 'slower' : 'faster'} (p50 ${latA} vs ${latB} ms)`;
  return `${head}; ${cost}; ${latency}`;
}

/**
 * An ordering of a task's candidates from a run: highest score first, equal scores by cost, then
 * by p50 and p95 latency, with the trade-off of each step printed. It only proposes: writing the
 * routing table stays with a person.
 */
export function suggestOrdering(summaries: readonly CandidateSummary[]): SuggestedOrdering {
  const sorted = [...summaries].sort(compareByScore);
  const order = sorted.map((s) => s.candidate);
  const tradeoffs: string[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) tradeoffs.push(tradeoff(sorted[i], sorted[i + 1]));
  // A cheaper candidate close behind the leader is worth naming: the call a person makes.
  const leader = sorted[0];
  const cheapest = [...sorted].sort((a, b) => a.cost_per_1k_usd - b.cost_per_1k_usd)[0];
  if (
    leader &&
    cheapest &&
    cheapest !== leader &&
    cheapest.cost_per_1k_usd < leader.cost_per_1k_usd
  ) {
    tradeoffs.push(
      `cheapest: ${cheapest.candidate} at $${formatUsd(cheapest.cost_per_1k_usd)} per 1k ` +
        `(${leader.candidate} costs ${ratio(leader.cost_per_1k_usd, cheapest.cost_per_1k_usd)} as much), ` +
        `scoring ${(leader.score - cheapest.score).toFixed(3)} lower`,
    );
  }
  return { order, primary: order[0], fallbacks: order.slice(1), tradeoffs };
}

/** The suggestion as `npm run routes:suggest` prints it: a routing-table snippet and the trade-offs. */
export function renderSuggestion(task: string, suggestion: SuggestedOrdering): string {
  if (!suggestion.primary) return `no candidates of ${task} have been evaluated\n`;
  return [
    `# suggested order for ${task} (from the latest run; routes.yaml is not changed)`,
    `${task}:`,
    `  primary: ${suggestion.primary}`,
    `  fallbacks: [${suggestion.fallbacks.join(', ')}]`,
    '',
    ...suggestion.tradeoffs.map((t) => `- ${t}`),
    '',
  ].join('\n');
}
