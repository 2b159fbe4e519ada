import { isDeepStrictEqual } from 'node:util';
import type { RuleComparison, RuleCondition, RuleScalar } from './rule.types';

/**
 * True when every job that satisfies `later` certainly satisfies `earlier` too, so a rule with
 * `later` placed after one with `earlier` can never match. Conservative: it proves implication
 * for identical conditions, the combinators, value lists and numeric ranges on the same field,
 * and answers false whenever it cannot tell (a warning must never be wrong).
 */
export function conditionImplies(later: RuleCondition, earlier: RuleCondition): boolean {
  if (isDeepStrictEqual(later, earlier)) return true;
  if ('any' in later) return later.any.every((part) => conditionImplies(part, earlier));
  if ('all' in earlier) return earlier.all.every((part) => conditionImplies(later, part));
  if ('all' in later) return later.all.some((part) => conditionImplies(part, earlier));
  if ('any' in earlier) return earlier.any.some((part) => conditionImplies(later, part));
  if ('not' in later || 'not' in earlier) return false;
  return comparisonImplies(later, earlier);
}

function comparisonImplies(later: RuleComparison, earlier: RuleComparison): boolean {
  if (later.field !== earlier.field) return false;
  if (later.op === 'matches' || earlier.op === 'matches') return false;
  const values = valueSet(later);
  if (values) return values.every((value) => admits(earlier, value));
  const [low, high] = [range(later), range(earlier)];
  if (!low || !high) return false;
  return within(low, high);
}

/** The values an `eq` / `in` comparison admits; undefined for a range. */
function valueSet(c: RuleComparison): RuleScalar[] | undefined {
  if (c.op === 'eq') return [c.value as RuleScalar];
  if (c.op === 'in') return c.value as RuleScalar[];
  return undefined;
}

function admits(c: RuleComparison, value: RuleScalar): boolean {
  const set = valueSet(c);
  if (set) return set.includes(value);
  if (typeof value !== 'number') return false;
  const bound = c.value as number;
  switch (c.op) {
    case 'gt':
      return value > bound;
    case 'gte':
      return value >= bound;
    case 'lt':
      return value < bound;
    case 'lte':
      return value <= bound;
    default:
      return false;
  }
}

interface Range {
  low: number;
  lowOpen: boolean;
  high: number;
  highOpen: boolean;
}

function range(c: RuleComparison): Range | undefined {
  const v = c.value as number;
  switch (c.op) {
    case 'gt':
      return { low: v, lowOpen: true, high: Infinity, highOpen: true };
    case 'gte':
      return { low: v, lowOpen: false, high: Infinity, highOpen: true };
    case 'lt':
      return { low: -Infinity, lowOpen: true, high: v, highOpen: true };
    case 'lte':
      return { low: -Infinity, lowOpen: true, high: v, highOpen: false };
    default:
      return undefined;
  }
}

function within(inner: Range, outer: Range): boolean {
  const lowOk =
    inner.low > outer.low || (inner.low === outer.low && (!outer.lowOpen || inner.lowOpen));
  const highOk =
    inner.high < outer.high || (inner.high === outer.high && (!outer.highOpen || inner.highOpen));
  return lowOk && highOk;
}
