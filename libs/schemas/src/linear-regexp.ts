import type { RegExpEngine, RegExpLike } from 'ajv/dist/types';
import { RE2JS } from 're2js';

/**
 * JSON Schema `pattern`s come from callers and are matched against model output. JavaScript's
 * backtracking engine takes exponential time on patterns such as `^(a|a)+$`, blocking the event
 * loop for seconds; RE2 matches in time linear in the input, and refuses the features
 * (lookaround, backreferences) that make linear time impossible.
 */
function compileLinear(pattern: string): RE2JS {
  return RE2JS.compile(RE2JS.translateRegExp(pattern));
}

/** Why RE2 cannot run this ECMAScript pattern, or null when it can. */
export function linearRegExpProblem(pattern: string): string | null {
  try {
    compileLinear(pattern);
    return null;
  } catch (err) {
    return `is not a pattern the linear-time engine (RE2) accepts: ${(err as Error).message}`;
  }
}

/** ajv's `code.regExp` engine: RE2 for every `pattern` and `patternProperties` key. */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string): RegExpLike => {
    const compiled = compileLinear(pattern);
    // ajv keys its compiled patterns by toString(): it must tell patterns apart.
    const source = `/${pattern}/${flags}`;
    const like: RegExpLike & { toString(): string } = {
      test: (input: string) => compiled.test(input),
      toString: () => source,
    };
    return like;
  },
  { code: 'require("re2js").RE2JS' },
);

const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // RE2 matches code points already.
  u: 0,
};

/**
 * An ECMAScript pattern with `i`, `m`, `s` and `u` flags compiled for RE2, as a tester that finds
 * a match anywhere in its input. Throws when RE2 cannot run it (see linearRegExpProblem).
 */
export function linearRegExpTester(pattern: string, flags = ''): (input: string) => boolean {
  let bits = 0;
  for (const flag of flags) {
    const bit = FLAG_BITS[flag];
    if (bit === undefined) throw new Error(`flag "${flag}" is not one of i, m, s, u`);
    bits |= bit;
  }
  const compiled = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  return (input: string) => compiled.test(input);
}

/** A format checked with RE2, for the fixed formats Switchyard knows. */
export function linearFormat(pattern: string, caseInsensitive = false): (value: string) => boolean {
  const compiled = RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  return (value: string) => compiled.test(value);
}
