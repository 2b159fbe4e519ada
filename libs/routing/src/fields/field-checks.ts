import isURL from 'validator/lib/isURL';
import type { FieldCheck } from '../validation/field-validation';

// The tests are those the routes file was validated with under class-validator (its isInt,
// isNumber without NaN or infinities, min, isURL, ...), so a file passes or fails as before.

const check = (message: string, passes: (value: unknown) => boolean): FieldCheck => ({
  message,
  passes,
});

export const isWholeNumber = (message: string): FieldCheck =>
  check(message, (v) => typeof v === 'number' && Number.isInteger(v));

export const isFiniteNumber = (message: string): FieldCheck =>
  check(message, (v) => typeof v === 'number' && Number.isFinite(v));

export const isAtLeast = (min: number, message: string): FieldCheck =>
  check(message, (v) => typeof v === 'number' && v >= min);

export const isAtMost = (max: number, message: string): FieldCheck =>
  check(message, (v) => typeof v === 'number' && v <= max);

export const isPositive = (message: string): FieldCheck =>
  check(message, (v) => typeof v === 'number' && v > 0);

export const isBoolean = (message: string): FieldCheck =>
  check(message, (v) => typeof v === 'boolean');

export const isString = (message: string): FieldCheck =>
  check(message, (v) => typeof v === 'string');

export const isList = (message: string): FieldCheck => check(message, Array.isArray);

export const isMappingValue = (message: string): FieldCheck =>
  check(message, (v) => v !== null && typeof v === 'object' && !Array.isArray(v));

export const isOneOf = (values: readonly unknown[], message: string): FieldCheck =>
  check(message, (v) => values.includes(v));

export const matchesPattern = (pattern: RegExp, message: string): FieldCheck =>
  check(message, (v) => typeof v === 'string' && pattern.test(v));

/** An absolute http(s) URL; a host without a TLD (`localhost`, a service name) is fine. */
export const isHttpUrl = (message: string): FieldCheck =>
  check(
    message,
    (v) =>
      typeof v === 'string' &&
      isURL(v, { require_tld: false, require_protocol: true, protocols: ['http', 'https'] }),
  );
