import { RE2JS } from 're2js';

/**
 * `matches` patterns come from the routes file and run against caller-supplied metadata, so they
 * run on RE2 (linear time in the input: no pattern can stall the ingress) rather than on
 * JavaScript's backtracking engine. Compiled once per pattern and kept: a table has few.
 */
const compiled = new Map<string, RE2JS>();

export function rulePattern(pattern: string): RE2JS {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = RE2JS.compile(RE2JS.translateRegExp(pattern));
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Why RE2 refuses the pattern, or null when it compiles. */
export function rulePatternProblem(pattern: string): string | null {
  try {
    rulePattern(pattern);
    return null;
  } catch (err) {
    return `is not a pattern the linear-time engine (RE2) accepts: ${(err as Error).message}`;
  }
}
