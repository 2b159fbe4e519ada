import type { RoutingIssue } from '../routing-table.types';
import { didYouMean } from './did-you-mean';
import { childPath } from './issue-path';
import { describeValue } from './describe-value';

/** One check of a field: the test a present value must pass, and what to say when it does not. */
export interface FieldCheck {
  passes(value: unknown): boolean;
  message: string;
}

/**
 * How one field of a routes-file mapping is validated. `required`: absent or null is "is
 * required"; `optional`: absent or null skips the checks; `allowed`: anything goes (another
 * step checks it, entry by entry). The checks run in order and the first that fails is the
 * field's one message, so the type check, listed first, wins over a range check on the wrong
 * type. `nested` validates a mapping of its own (after the checks said it is one).
 */
export interface FieldRule {
  presence: 'required' | 'optional' | 'allowed';
  checks?: readonly FieldCheck[];
  nested?: FieldRules<object>;
}

/** A rule for every field of `T`, and no other: any key of the mapping not named is refused. */
export type FieldRules<T extends object> = { readonly [K in keyof Required<T>]: FieldRule };

export interface FieldValidationResult<T> {
  /** Present when the value was a mapping (even if some fields are wrong). */
  value?: T;
  issues: RoutingIssue[];
}

/**
 * Validates one mapping of the routes file against its field rules: one message per field, an
 * unknown field named with a suggestion, and the offending value shown unless it came from the
 * environment or names an API key's variable (it may be a secret).
 */
export function validateFields<T extends object>(
  rules: FieldRules<T>,
  value: unknown,
  path: string,
  fromEnv: ReadonlySet<string>,
): FieldValidationResult<T> {
  if (!isMapping(value)) {
    return { issues: [{ path, message: `must be a mapping, got ${describeValue(value)}` }] };
  }
  const issues: RoutingIssue[] = [];
  collectIssues(rules, value, path, fromEnv, issues);
  return { value: value as T, issues };
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Unknown fields first (in the mapping's order), then each field in the order its rules list. */
function collectIssues(
  rules: FieldRules<object>,
  mapping: Record<string, unknown>,
  parentPath: string,
  fromEnv: ReadonlySet<string>,
  issues: RoutingIssue[],
): void {
  const byName = rules as Readonly<Record<string, FieldRule>>;
  const known = Object.keys(byName);
  for (const name of Object.keys(mapping)) {
    if (!Object.hasOwn(byName, name)) {
      issues.push({
        path: childPath(parentPath, name),
        message: `unknown field${didYouMean(name, known)}`,
      });
    }
  }
  for (const name of known) {
    const rule = byName[name];
    const value = mapping[name];
    const path = childPath(parentPath, name);
    if (value === undefined || value === null) {
      if (rule.presence === 'required') issues.push({ path, message: 'is required' });
      continue;
    }
    const failed = rule.checks?.find((check) => !check.passes(value));
    if (failed) {
      const shown =
        fromEnv.has(path) || path.endsWith('api_key_env')
          ? 'a value that is not shown'
          : describeValue(value);
      issues.push({ path, message: `${failed.message}, got ${shown}` });
    } else if (rule.nested && isMapping(value)) {
      collectIssues(rule.nested, value, path, fromEnv, issues);
    }
  }
}
