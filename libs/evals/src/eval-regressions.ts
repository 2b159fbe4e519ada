import type { CandidateSummary } from './eval.types';

export interface RegressionThresholds {
  /** A candidate scoring below this regressed, whatever it scored before. */
  min_score?: number;
  /** A candidate whose score fell by more than this since the previous run regressed. */
  max_drop?: number;
}

export type RegressionReason = 'below_min_score' | 'score_drop';

/** One candidate that regressed between two runs of a task (the `eval.regressed` payload). */
export interface EvalRegression {
  candidate: string;
  reasons: RegressionReason[];
  /** The revision that answered most recently in the previous run (undefined: no previous run). */
  revision_before?: string;
  revision_after?: string;
  score_before?: number;
  score_after: number;
  /** score_before − score_after (undefined without a previous run). */
  drop?: number;
  message: string;
}

/** Scores compared with this slack, so float noise is no regression. */
const EPSILON = 1e-9;

const latestRevision = (s?: CandidateSummary): string | undefined =>
  s?.model_revisions[s.model_revisions.length - 1];

/**
 * The candidates of `current` that regressed: below `min_score`, or more than `max_drop` below
 * their score in `previous` (matched by candidate name). A candidate new in `current` is only
 * held to `min_score`. The finding names the model revision before and after.
 */
export function findEvalRegressions(
  previous: readonly CandidateSummary[],
  current: readonly CandidateSummary[],
  thresholds: RegressionThresholds,
): EvalRegression[] {
  const findings: EvalRegression[] = [];
  for (const now of current) {
    const before = previous.find((p) => p.candidate === now.candidate);
    const reasons: RegressionReason[] = [];
    if (thresholds.min_score !== undefined && now.score < thresholds.min_score - EPSILON) {
      reasons.push('below_min_score');
    }
    const drop = before ? before.score - now.score : undefined;
    if (
      thresholds.max_drop !== undefined &&
      drop !== undefined &&
      drop > thresholds.max_drop + EPSILON
    ) {
      reasons.push('score_drop');
    }
    if (reasons.length === 0) continue;
    const revisionBefore = latestRevision(before);
    const revisionAfter = latestRevision(now);
    const parts: string[] = [];
    if (reasons.includes('score_drop') && before) {
      parts.push(
        `score fell from ${before.score.toFixed(3)} to ${now.score.toFixed(3)} (more than max_drop ${thresholds.max_drop})`,
      );
    }
    if (reasons.includes('below_min_score')) {
      parts.push(`score ${now.score.toFixed(3)} is below min_score ${thresholds.min_score}`);
    }
    const revisions =
      revisionBefore && revisionBefore !== revisionAfter
        ? `revision ${revisionBefore} → ${revisionAfter ?? 'unknown'}`
        : `revision ${revisionAfter ?? 'unknown'}`;
    findings.push({
      candidate: now.candidate,
      reasons,
      revision_before: revisionBefore,
      revision_after: revisionAfter,
      score_before: before?.score,
      score_after: now.score,
      drop: drop === undefined ? undefined : Number(drop.toFixed(6)),
      message: `${now.candidate}: ${parts.join('; ')}; ${revisions}`,
    });
  }
  return findings;
}
