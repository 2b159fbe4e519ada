import { linearRegExpProblem } from './linear-regexp';

/** Most `pattern`s and `patternProperties` keys one schema may hold. */
export const SCHEMA_MAX_PATTERNS = 100;

/**
 * Most event-loop time the RE2 checks of one schema may take. Compiling one RE2 program costs
 * 0.2 ms for a plain pattern and 2-15 ms (warm to cold) for nested counted repetition
 * (`(\p{L}{30}\d{30}){30}`), so the count alone would still allow a second or more per request.
 */
export const SCHEMA_PATTERN_CHECK_BUDGET_MS = 100;

// Verdicts of recently seen patterns: the same few patterns (dates, codes, ids) recur across
// requests, and a verdict is a few bytes where a compile is a fraction of a millisecond or more.
const VERDICTS_MAX = 4096;
const VERDICT_KEY_MAX_CHARS = 1024;
const verdicts = new Map<string, string | null>();

/** linearRegExpProblem, remembered for the last VERDICTS_MAX short patterns seen. */
export function rememberedRegExpProblem(pattern: string): {
  problem: string | null;
  compiled: boolean;
} {
  const memorable = pattern.length <= VERDICT_KEY_MAX_CHARS;
  if (memorable && verdicts.has(pattern)) {
    const problem = verdicts.get(pattern) as string | null;
    verdicts.delete(pattern);
    verdicts.set(pattern, problem);
    return { problem, compiled: false };
  }
  const problem = linearRegExpProblem(pattern);
  if (memorable) {
    verdicts.set(pattern, problem);
    if (verdicts.size > VERDICTS_MAX) verdicts.delete(verdicts.keys().next().value as string);
  }
  return { problem, compiled: true };
}

export interface PatternBudgetLimits {
  maxPatterns: number;
  budgetMs: number;
}

/**
 * The RE2 checks of one schema, bounded: after `maxPatterns` patterns, or once the checks have
 * used `budgetMs` of CPU, every further pattern is refused instead of compiled. `now` is a clock
 * in milliseconds (injected so the decision is testable).
 */
export class PatternBudget {
  private count = 0;
  private spentMs = 0;

  constructor(
    private readonly limits: PatternBudgetLimits = {
      maxPatterns: SCHEMA_MAX_PATTERNS,
      budgetMs: SCHEMA_PATTERN_CHECK_BUDGET_MS,
    },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Why this pattern is refused, or null when RE2 runs it within the schema's budget. */
  problem(pattern: string): string | null {
    this.count++;
    if (this.count > this.limits.maxPatterns) {
      return `is one pattern too many: a schema holds at most ${this.limits.maxPatterns} patterns`;
    }
    if (this.spentMs > this.limits.budgetMs) {
      return `is not checked: this schema's patterns took more than ${this.limits.budgetMs} ms to check; use fewer or simpler patterns`;
    }
    const started = this.now();
    const verdict = rememberedRegExpProblem(pattern);
    if (verdict.compiled) this.spentMs += this.now() - started;
    return verdict.problem;
  }
}
