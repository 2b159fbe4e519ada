import { isAtLeast, isMappingValue, isWholeNumber } from '../fields/field-checks';
import { validateFields, type FieldRules } from './field-validation';

interface Inner {
  limit?: number;
}
interface Outer {
  count: number;
  inner?: Inner;
  api_key_env?: string;
  free?: unknown;
}

const INNER: FieldRules<Inner> = {
  limit: { presence: 'optional', checks: [isWholeNumber('must be a whole number')] },
};
const OUTER: FieldRules<Outer> = {
  count: {
    presence: 'required',
    checks: [isWholeNumber('must be a whole number'), isAtLeast(1, 'must be at least 1')],
  },
  inner: { presence: 'optional', checks: [isMappingValue('must be a mapping')], nested: INNER },
  api_key_env: { presence: 'optional', checks: [isWholeNumber('must be a name')] },
  free: { presence: 'allowed' },
};
const none = new Set<string>();

describe('validateFields', () => {
  it('passes a valid mapping through as it is', () => {
    const value = { count: 2, inner: { limit: 3 }, free: ['anything'] };
    expect(validateFields(OUTER, value, 'x', none)).toEqual({ value, issues: [] });
  });

  it('refuses a value that is not a mapping, and says what it got', () => {
    expect(validateFields(OUTER, [1], 'x', none)).toEqual({
      issues: [{ path: 'x', message: 'must be a mapping, got a list' }],
    });
  });

  it('names unknown fields first, with a suggestion, then each field in its rules order', () => {
    const { issues } = validateFields(OUTER, { inner: 5, cuont: 1 }, 'tasks.t', none);
    expect(issues).toEqual([
      { path: 'tasks.t.cuont', message: 'unknown field (did you mean "count"?)' },
      { path: 'tasks.t.count', message: 'is required' },
      { path: 'tasks.t.inner', message: 'must be a mapping, got 5' },
    ]);
  });

  it('reports one message per field: the first check that fails, the type before the range', () => {
    expect(validateFields(OUTER, { count: 'many' }, 'x', none).issues).toEqual([
      { path: 'x.count', message: 'must be a whole number, got "many"' },
    ]);
    expect(validateFields(OUTER, { count: 0 }, 'x', none).issues).toEqual([
      { path: 'x.count', message: 'must be at least 1, got 0' },
    ]);
  });

  it('treats null as absent: required says so, optional skips the checks', () => {
    expect(validateFields(OUTER, { count: null, inner: null }, 'x', none).issues).toEqual([
      { path: 'x.count', message: 'is required' },
    ]);
  });

  it('says once that a list is not the mapping it should be (class-validator also flagged each entry)', () => {
    expect(validateFields(OUTER, { count: 1, inner: [1, 'a'] }, 'x', none).issues).toEqual([
      { path: 'x.inner', message: 'must be a mapping, got a list' },
    ]);
  });

  it('validates a nested mapping at its own paths, unknown fields included', () => {
    const { issues } = validateFields(
      OUTER,
      { count: 1, inner: { limit: 1.5, lmit: 1 } },
      'x',
      none,
    );
    expect(issues).toEqual([
      { path: 'x.inner.lmit', message: 'unknown field (did you mean "limit"?)' },
      { path: 'x.inner.limit', message: 'must be a whole number, got 1.5' },
    ]);
  });

  it('never shows a value that came from the environment or sits in api_key_env', () => {
    const fromEnv = new Set(['x.count']);
    const { issues } = validateFields(
      OUTER,
      { count: 'sk-live-1', api_key_env: 'sk-2' },
      'x',
      fromEnv,
    );
    expect(issues).toEqual([
      { path: 'x.count', message: 'must be a whole number, got a value that is not shown' },
      { path: 'x.api_key_env', message: 'must be a name, got a value that is not shown' },
    ]);
    expect(JSON.stringify(issues)).not.toMatch(/sk-/);
  });
});
