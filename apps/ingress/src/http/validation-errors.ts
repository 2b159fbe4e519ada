import { ApiError, type ErrorDetail } from './api-error';

/** The 400 of a body that fails its shape: every problem, each with its full path. */
export function validationException(details: ErrorDetail[]): ApiError {
  const summary = details.map((d) => `${d.field}: ${d.problem}`).join('; ');
  return ApiError.badRequest(summary || 'invalid request', details);
}
