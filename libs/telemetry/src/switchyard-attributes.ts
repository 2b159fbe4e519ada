/** Switchyard's own span attributes, each named once (the README lists them). */
export const ATTR_SWITCHYARD_TASK = 'switchyard.task';
export const ATTR_SWITCHYARD_JOB_ID = 'switchyard.job_id';
export const ATTR_SWITCHYARD_ATTEMPT = 'switchyard.attempt';
export const ATTR_SWITCHYARD_FALLBACK_REASON = 'switchyard.fallback_reason';
export const ATTR_SWITCHYARD_COST_USD = 'switchyard.cost_usd';
export const ATTR_SWITCHYARD_PROVIDER = 'switchyard.provider';
export const ATTR_SWITCHYARD_RULE = 'switchyard.rule';
export const ATTR_SWITCHYARD_SPLIT = 'switchyard.split';

/**
 * switchyard.attempt numbers a job's hops from 1 (hop 0 is attempt 1) on every span that carries
 * it: the provider call of that hop, and the router's decision after it failed.
 */
export function attemptNumber(hop: number): number {
  return hop + 1;
}
