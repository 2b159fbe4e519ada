import { ApiError } from '../http/api-error';
import { parsePreferWait } from './prefer-wait';

describe('parsePreferWait', () => {
  it('reads wait=N among other preferences', () => {
    expect(parsePreferWait(undefined)).toBe(0);
    expect(parsePreferWait('wait=5')).toBe(5);
    expect(parsePreferWait('respond-async, wait=60')).toBe(60);
    expect(parsePreferWait('return=minimal')).toBe(0);
  });

  it('refuses a wait above 60 s or not a whole number, naming the header', () => {
    for (const bad of ['wait=61', 'wait=-1', 'wait=1.5', 'wait=soon']) {
      expect(() => parsePreferWait(bad)).toThrow(ApiError);
    }
    try {
      parsePreferWait('wait=61');
    } catch (err) {
      expect((err as ApiError).details).toEqual([
        { field: 'Prefer', problem: 'wait must be an integer from 0 to 60' },
      ]);
    }
  });
});
