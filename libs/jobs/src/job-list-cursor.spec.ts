import { decodeCursor, encodeCursor, InvalidCursorError, isBelow } from './job-list-cursor';

describe('job list cursor', () => {
  it('round-trips a position, ids with colons included', () => {
    for (const position of [
      { score: 1_764_650_000_123, id: 'job_01abc' },
      { score: 0, id: 'a:b:c' },
    ]) {
      expect(decodeCursor(encodeCursor(position))).toEqual(position);
    }
  });

  it('is opaque url-safe text', () => {
    expect(encodeCursor({ score: 1, id: 'x/y+z' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64 of score:id', 'bm90LWEtY3Vyc29y'],
    ['empty', ''],
    ['no score', Buffer.from(':id').toString('base64url')],
    ['a score that is not a number', Buffer.from('soon:id').toString('base64url')],
  ])('refuses a cursor this API did not return (%s)', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });

  it('orders by score descending, then id descending', () => {
    const bound = { score: 10, id: 'm' };
    expect(isBelow({ score: 9, id: 'z' }, bound)).toBe(true);
    expect(isBelow({ score: 10, id: 'a' }, bound)).toBe(true);
    expect(isBelow({ score: 10, id: 'm' }, bound)).toBe(false);
    expect(isBelow({ score: 10, id: 'z' }, bound)).toBe(false);
    expect(isBelow({ score: 11, id: 'a' }, bound)).toBe(false);
  });
});
