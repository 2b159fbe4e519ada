import { ApiError } from './api-error';

/**
 * A repeated parameter (`?task=a&task=b`) arrives as an array, which a string parameter would
 * turn into a filter that quietly matches nothing; a bracketed one (`?task[]=a`) or a misspelt
 * one would be ignored. Checked on the raw query: only the route's parameters, each given once.
 */
export function requireSingleValues(
  query: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const [field, value] of Object.entries(query)) {
    if (!known.includes(field)) {
      throw ApiError.field(field, `is not a parameter here; known: ${known.join(', ')}`);
    }
    if (typeof value !== 'string') {
      throw ApiError.field(field, 'must be given once, as a single value');
    }
  }
}
