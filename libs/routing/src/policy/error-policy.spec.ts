import { PROVIDER_ERROR_TYPES } from '@switchyard/providers';
import { task } from '../testing/plan-fixtures';
import {
  ROUTING_ERROR_POLICY,
  SWITCHYARD_ERROR_TYPES,
  errorFallsBack,
  isErrorType,
} from './error-policy';

describe('the routing error policy', () => {
  it('has one entry per provider and per Switchyard error type, and no other', () => {
    expect(Object.keys(ROUTING_ERROR_POLICY).sort()).toEqual(
      [...PROVIDER_ERROR_TYPES, ...SWITCHYARD_ERROR_TYPES].sort(),
    );
  });

  it("falls back after Switchyard's own refusals except a passed deadline", () => {
    for (const type of [
      'circuit_open',
      'over_budget',
      'route_removed',
      'budget_exhausted',
      'provider_not_allowed',
    ]) {
      expect(errorFallsBack({ type }, task())).toBe(true);
    }
    expect(errorFallsBack({ type: 'deadline_exceeded' }, task())).toBe(false);
  });

  it("follows the provider taxonomy's fallback column for provider errors", () => {
    expect(errorFallsBack({ type: 'server_error' }, task())).toBe(true);
    expect(errorFallsBack({ type: 'model_not_found' }, task())).toBe(true);
    expect(errorFallsBack({ type: 'bad_request' }, task())).toBe(false);
    expect(errorFallsBack({ type: 'content_filtered' }, task())).toBe(false);
  });

  it('follows the task on invalid output: fallback by default, fail when on_invalid_output is fail', () => {
    const invalid = { type: 'invalid_output' };
    expect(errorFallsBack(invalid, task())).toBe(true);
    expect(errorFallsBack(invalid, task({ on_invalid_output: 'fail' }))).toBe(false);
  });

  it('fails a type it does not know rather than guess, even one named like an object member', () => {
    expect(isErrorType('something_new')).toBe(false);
    expect(errorFallsBack({ type: 'something_new' }, task())).toBe(false);
    expect(isErrorType('toString')).toBe(false);
    expect(errorFallsBack({ type: 'constructor' }, task())).toBe(false);
  });
});
