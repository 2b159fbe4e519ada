import type { ValidationError } from 'class-validator';
import { ApiError, type ErrorDetail } from './api-error';

/** class-validator's error tree, flattened to one `{field, problem}` per problem with full paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const message = mostTelling(error.constraints);
    if (message !== undefined) {
      details.push(withSubPath(field, stripPropertyName(message, error.property)));
    }
    if (error.children?.length) details.push(...flattenValidationErrors(error.children, field));
  }
  return details;
}

// Every failed constraint of a field is known (the pipe does not stop at the first); the one
// reported is the most basic: a missing field before a wrong type before a wrong value, so
// `temperature: "hot"` says "must be a number", not "must not be greater than 2".
const CONSTRAINT_PRIORITY = [
  'isDefined',
  'whitelistValidation',
  'isString',
  'isNumber',
  'isInt',
  'isBoolean',
  'isArray',
  'isObject',
  'nestedValidation',
  'isIn',
];

function mostTelling(constraints: Record<string, string> | undefined): string | undefined {
  if (!constraints) return undefined;
  for (const name of CONSTRAINT_PRIORITY) if (constraints[name]) return constraints[name];
  return Object.values(constraints)[0];
}

// Validators of nested free-form values (message parts) name the sub-path first: "[1].url must be …".
function withSubPath(field: string, message: string): ErrorDetail {
  const m = /^((?:\[\d+\])+(?:\.[^\s.[\]]+)?) ?(.*)$/.exec(message);
  return m ? { field: `${field}${m[1]}`, problem: m[2] } : { field, problem: message };
}

// class-validator messages start with the property name ("task must be a string"); the field is
// already named separately, so the problem reads better without it.
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

export function validationException(errors: ValidationError[]): ApiError {
  const details = flattenValidationErrors(errors);
  const summary = details.map((d) => `${d.field}: ${d.problem}`).join('; ');
  return ApiError.badRequest(summary || 'invalid request', details);
}
