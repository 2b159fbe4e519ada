import {
  arrayMaxSize as hasAtMost,
  arrayMinSize as hasAtLeast,
  isBoolean as isBooleanValue,
  isIn as isOneOf,
  isInt as isInteger,
  isNotEmpty as isNotEmptyValue,
  isNumber as isNumberValue,
  isObject as isObjectValue,
  isPositive as isPositiveValue,
  isString as isStringValue,
  isURL,
  matches as matchesPattern,
  max as atMost,
  maxLength as hasMaxLength,
  min as atLeast,
} from 'class-validator';
import { PROBLEM_RANK, type FieldCheck } from './body-shape';

// The predicates are class-validator's own pure functions (no metadata, no class instances), so
// every value passes or fails exactly as it did under the decorators; the problems are worded
// as class-validator's default messages were, which clients have been reading.

function check(rank: number, passes: (value: unknown) => boolean, problem: string): FieldCheck {
  return { rank, problem: (value) => (passes(value) ? null : problem) };
}

export const isString = (): FieldCheck =>
  check(PROBLEM_RANK.string, isStringValue, 'must be a string');

export const isNotEmpty = (): FieldCheck =>
  check(PROBLEM_RANK.value, isNotEmptyValue, 'should not be empty');

export const maxLength = (max: number): FieldCheck =>
  check(
    PROBLEM_RANK.value,
    (v) => hasMaxLength(v, max),
    `must be shorter than or equal to ${max} characters`,
  );

export const matches = (pattern: RegExp, problem: string): FieldCheck =>
  check(PROBLEM_RANK.value, (v) => matchesPattern(v as string, pattern), problem);

export const isIn = (values: readonly unknown[]): FieldCheck =>
  check(
    PROBLEM_RANK.oneOf,
    (v) => isOneOf(v, values as unknown[]),
    `must be one of the following values: ${values.join(', ')}`,
  );

export const isArray = (): FieldCheck =>
  check(PROBLEM_RANK.array, (v) => Array.isArray(v), 'must be an array');

export const arrayMinSize = (min: number): FieldCheck =>
  check(PROBLEM_RANK.value, (v) => hasAtLeast(v, min), `must contain at least ${min} elements`);

export const arrayMaxSize = (max: number): FieldCheck =>
  check(PROBLEM_RANK.value, (v) => hasAtMost(v, max), `must contain no more than ${max} elements`);

export const isObject = (problem = 'must be an object'): FieldCheck =>
  check(PROBLEM_RANK.object, isObjectValue, problem);

export const isNumber = (): FieldCheck =>
  check(
    PROBLEM_RANK.number,
    (v) => isNumberValue(v),
    'must be a number conforming to the specified constraints',
  );

export const isInt = (): FieldCheck =>
  check(PROBLEM_RANK.integer, isInteger, 'must be an integer number');

export const isPositive = (): FieldCheck =>
  check(PROBLEM_RANK.value, isPositiveValue, 'must be a positive number');

export const min = (least: number): FieldCheck =>
  check(PROBLEM_RANK.value, (v) => atLeast(v, least), `must not be less than ${least}`);

export const max = (most: number): FieldCheck =>
  check(PROBLEM_RANK.value, (v) => atMost(v, most), `must not be greater than ${most}`);

export const isBoolean = (): FieldCheck =>
  check(PROBLEM_RANK.boolean, isBooleanValue, 'must be a boolean value');

/** An absolute http(s) URL; a host without a top-level domain (localhost, an IP) passes. */
export const isHttpUrl = (): FieldCheck =>
  check(
    PROBLEM_RANK.value,
    (v) =>
      isURL(v as string, {
        protocols: ['http', 'https'],
        require_protocol: true,
        require_tld: false,
      }),
    'must be a URL address',
  );

/** A check whose problem is computed from the value (and the object carrying it). */
export const custom = (
  problem: (value: unknown, object: Record<string, unknown>) => string | null,
): FieldCheck => ({ rank: PROBLEM_RANK.value, problem });
