import { jsonEqual, parseJsonPath, readJsonPath } from './json-path';

describe('JSON paths ($.a.b[0])', () => {
  it('parses keys, indexes and quoted keys', () => {
    expect(parseJsonPath('$')).toEqual({ ok: true, segments: [] });
    expect(parseJsonPath('$.lines[2].unit_price')).toEqual({
      ok: true,
      segments: ['lines', 2, 'unit_price'],
    });
    expect(parseJsonPath(`$["due date"]['a\\'b'].x-y`)).toEqual({
      ok: true,
      segments: ['due date', "a'b", 'x-y'],
    });
  });

  it('says where a path stops being one', () => {
    expect(parseJsonPath('total')).toEqual({
      ok: false,
      problem: 'must start with $ (e.g. $.total)',
    });
    expect(parseJsonPath('$.a.')).toEqual({
      ok: false,
      problem: 'expected a key after "." at "."',
    });
    expect(parseJsonPath('$.a[*]')).toEqual({
      ok: false,
      problem: 'expected .key, [index] or ["key"] at "[*]"',
    });
  });

  it('reads the value at a path, or names the first step that is missing', () => {
    const doc = { a: { b: [{ c: null }] } };
    expect(readJsonPath(doc, ['a', 'b', 0, 'c'])).toEqual({ found: true, value: null });
    expect(readJsonPath(doc, ['a', 'b', 1, 'c'])).toEqual({ found: false, missing: '$.a.b[1]' });
    expect(readJsonPath(doc, ['a', 'x'])).toEqual({ found: false, missing: '$.a.x' });
    // An index on an object and a key on an array are both missing, not coerced.
    expect(readJsonPath({ 0: 'x' }, [0])).toEqual({ found: false, missing: '$[0]' });
    expect(readJsonPath([1], ['length'])).toEqual({ found: false, missing: '$.length' });
    expect(readJsonPath({}, ['constructor'])).toEqual({ found: false, missing: '$.constructor' });
  });

  it('compares JSON values structurally, ignoring key order but not array order', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});
