import { compareRevisions } from './compare-revisions';
import { DEFAULT_REGRESSION_THRESHOLDS, type RevisionStats } from './regression.types';

const base: RevisionStats = {
  revision: 'r1',
  calls: 100,
  errors: 5,
  checked: 100,
  invalid: 2,
  successes: 95,
  p95_latency_ms: 1000,
};

describe('compareRevisions', () => {
  const t = DEFAULT_REGRESSION_THRESHOLDS;

  it('finds nothing when the new revision behaves the same', () => {
    expect(compareRevisions(base, { ...base, revision: 'r2' }, t)).toEqual([]);
  });

  it('flags an error rate more than ten points higher', () => {
    const worse = { ...base, revision: 'r2', errors: 20, successes: 80 };
    expect(compareRevisions(base, worse, t)).toEqual([
      { metric: 'error_rate', previous: 0.05, current: 0.2 },
    ]);
  });

  it('flags invalid output and latency separately', () => {
    const worse = { ...base, revision: 'r2', invalid: 20, p95_latency_ms: 1600 };
    expect(compareRevisions(base, worse, t).map((r) => r.metric)).toEqual([
      'invalid_output_rate',
      'p95_latency_ms',
    ]);
  });

  it('needs min_calls on both sides', () => {
    const few = { ...base, revision: 'r2', calls: 10, errors: 9, successes: 1 };
    expect(compareRevisions(base, few, t)).toEqual([]);
  });

  it('ignores invalid-output rates without enough schema checks', () => {
    const worse = { ...base, revision: 'r2', checked: 5, invalid: 5 };
    expect(compareRevisions({ ...base, checked: 5, invalid: 0 }, worse, t)).toEqual([]);
  });

  it('does not flag an improvement', () => {
    const better = { ...base, revision: 'r2', errors: 0, invalid: 0, p95_latency_ms: 500 };
    expect(compareRevisions(base, better, t)).toEqual([]);
  });
});
