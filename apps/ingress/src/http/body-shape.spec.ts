import { compileBodyShape, type BodyShape } from './body-shape';
import { custom, isInt, isString, max, maxLength, min } from './field-checks';

describe('compileBodyShape', () => {
  const item: BodyShape = { n: { presence: 'required', checks: [isInt()] } };
  const validate = compileBodyShape({
    name: { presence: 'required', checks: [isString(), maxLength(3), custom(() => 'is odd')] },
    size: { presence: 'optional', checks: [isInt(), min(1), max(9)] },
    kind: { presence: 'checked', when: (o) => o.name === 'box', checks: [isString()] },
    items: { presence: 'optional', nested: { shape: item, each: true } },
    parts: { presence: 'optional', checks: [custom(() => '[2].x must be set')] },
  });

  it('reports unknown keys first, then the fields in their declared order', () => {
    expect(validate({ zz: 1, size: 0, name: 'a' })).toEqual([
      { field: 'zz', problem: 'property zz should not exist' },
      { field: 'name', problem: 'is odd' },
      { field: 'size', problem: 'must not be less than 1' },
    ]);
  });

  it('reports the most basic problem of a field, else the first value check listed', () => {
    expect(validate({ name: 5, size: 'big' })).toEqual([
      { field: 'name', problem: 'must be a string' },
      { field: 'size', problem: 'must be an integer number' },
    ]);
    expect(validate({ name: 'long' })).toEqual([
      { field: 'name', problem: 'must be shorter than or equal to 3 characters' },
    ]);
  });

  it('takes absent or null as "is required", skips optional ones, runs checked ones when due', () => {
    expect(validate({ name: null, size: null })).toEqual([
      { field: 'name', problem: 'is required' },
    ]);
    expect(validate({ name: 'box' })).toEqual([
      { field: 'name', problem: 'is odd' },
      { field: 'kind', problem: 'must be a string' },
    ]);
  });

  it('walks nested objects and arrays with full paths, refusing what is neither', () => {
    expect(validate({ name: 'a', items: [{ n: 1 }, [{ n: 'x' }], 7, { m: 1 }] }).slice(1)).toEqual([
      { field: 'items[1][0].n', problem: 'must be an integer number' },
      {
        field: 'items[2]',
        problem: 'each value in nested property items must be either object or array',
      },
      { field: 'items[3].m', problem: 'property m should not exist' },
      { field: 'items[3].n', problem: 'is required' },
    ]);
  });

  it('puts the sub-path a check names into the field', () => {
    expect(validate({ name: 'a', parts: [] }).slice(1)).toEqual([
      { field: 'parts[2].x', problem: 'must be set' },
    ]);
  });

  it('validates a body that is not an object as an empty one', () => {
    expect(validate(undefined)).toEqual([{ field: 'name', problem: 'is required' }]);
  });
});
