export interface ErrorLike {
  name: string;
  message: string;
  code?: unknown;
  cause?: unknown;
}

/**
 * Duck-typed, not `instanceof Error`: errors raised inside undici or another realm (jest's VM
 * context, for one) are Errors that fail an instanceof check.
 */
export function isErrorLike(value: unknown): value is ErrorLike {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.message === 'string' && typeof record.name === 'string';
}
