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
    for (const message of Object.values(error.constraints ?? {})) {
      details.push(withSubPath(field, stripPropertyName(message, error.property)));
    }
    if (error.children?.length) details.push(...flattenValidationErrors(error.children, field));
  }
  return details;
}

// Validators of nested free-form values (message parts) name the sub-path first: "[1].url must be …".
function withSubPath(field: string, message: string): ErrorDetail {
  const m = /^((?:\[\d+\])+(?:\.[a-z_]+)?) ?(.*)$/.exec(message);
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
