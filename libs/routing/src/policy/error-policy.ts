import { ERROR_POLICY, type ErrorPolicy, type ProviderErrorType } from '@switchyard/providers';
import type { TaskConfig } from '../routing-table.types';

/**
 * Error types Switchyard raises itself when it passes a candidate over before or instead of a
 * call (the worker's gates, its daily-budget reservation), beside the providers' own taxonomy.
 */
export const SWITCHYARD_ERROR_TYPES = [
  'route_removed',
  'provider_not_allowed',
  'deadline_exceeded',
  'over_budget',
  'budget_exhausted',
  'circuit_open',
] as const;

export type SwitchyardErrorType = (typeof SWITCHYARD_ERROR_TYPES)[number];

/** Every error type a hop can end with and hand to the router. */
export type ErrorType = ProviderErrorType | SwitchyardErrorType;

/** Switchyard's own errors never retry on the same provider: the gate would refuse again. */
const SWITCHYARD_ERROR_POLICY: Record<SwitchyardErrorType, ErrorPolicy> = {
  // The table changed since planning: a later candidate may still be in it.
  route_removed: { retrySameProvider: false, fallback: true },
  // The tenant may not use that provider (the table changed since planning); another may do.
  provider_not_allowed: { retrySameProvider: false, fallback: true },
  // No candidate can start after the deadline.
  deadline_exceeded: { retrySameProvider: false, fallback: false },
  // A cheaper candidate may still fit what is left of the job's budget.
  over_budget: { retrySameProvider: false, fallback: true },
  // Today's budget could not pay that candidate; a cheaper one may still fit.
  budget_exhausted: { retrySameProvider: false, fallback: true },
  circuit_open: { retrySameProvider: false, fallback: true },
};

/**
 * The one policy table: what each error type lets happen next. Typed on the union, so a new
 * error type does not compile until it has an entry here (or in the providers' ERROR_POLICY).
 */
export const ROUTING_ERROR_POLICY: Readonly<Record<ErrorType, ErrorPolicy>> = {
  ...ERROR_POLICY,
  ...SWITCHYARD_ERROR_POLICY,
};

export function isErrorType(type: string): type is ErrorType {
  return Object.prototype.hasOwnProperty.call(ROUTING_ERROR_POLICY, type);
}

/**
 * Whether a hop that failed for good with this error may move the job to its next candidate.
 * A type this version does not know (a hand-off written by a newer worker) fails the job rather
 * than guess.
 */
export function errorFallsBack(
  error: { type: string },
  task: Pick<TaskConfig, 'on_invalid_output'> | undefined,
): boolean {
  if (!isErrorType(error.type)) return false;
  // Whether invalid output falls back is the task's call.
  if (error.type === 'invalid_output' && task?.on_invalid_output === 'fail') return false;
  return ROUTING_ERROR_POLICY[error.type].fallback;
}
