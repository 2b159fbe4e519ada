import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CompiledSchemaCache } from './compiled-schema-cache';
import { InvalidSchemaError } from './invalid-schema-error';
import { JsonSchemaValidator } from './json-schema-validator';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function invoice(seed: number): Record<string, unknown> {
  return {
    $id: 'https://example.com/invoice',
    type: 'object',
    required: ['total'],
    properties: { total: { type: 'number', minimum: seed } },
  };
}

describe('JsonSchemaValidator', () => {
  it('runs a catastrophic-backtracking pattern in linear time: ^(a|a)+$ on 28 a\'s and "!"', () => {
    const validator = new JsonSchemaValidator();
    const schema = {
      type: 'object',
      properties: { word: { type: 'string', pattern: '^(a|a)+$' } },
    };
    const started = performance.now();
    const check = validator.check(schema, { word: `${'a'.repeat(28)}!` });
    const long = validator.check(schema, { word: `${'a'.repeat(100_000)}!` });
    expect(performance.now() - started).toBeLessThan(500);
    expect(check).toEqual({
      valid: false,
      problems: expect.stringContaining('must match pattern'),
    });
    expect(long.valid).toBe(false);
    expect(validator.check(schema, { word: 'aaaa' })).toEqual({ valid: true });
  });

  it('keeps patterns apart: each schema is checked against its own pattern', () => {
    const validator = new JsonSchemaValidator();
    const digits = { type: 'string', pattern: '^\\d+$' };
    const letters = { type: 'string', pattern: '^[a-z]+$' };
    const both = { type: 'object', properties: { d: digits, l: letters } };
    expect(validator.check(both, { d: '123', l: 'abc' })).toEqual({ valid: true });
    expect(validator.check(both, { d: 'abc', l: 'abc' }).valid).toBe(false);
    expect(validator.check(both, { d: '123', l: '123' }).valid).toBe(false);
  });

  it('checks two different schemas sharing one $id, each by its own rules', () => {
    const validator = new JsonSchemaValidator();
    expect(validator.check(invoice(0), { total: 5 })).toEqual({ valid: true });
    expect(validator.check(invoice(10), { total: 5 }).valid).toBe(false);
    expect(validator.check(invoice(0), { total: 5 })).toEqual({ valid: true });
  });

  it('still checks a schema with an $id after the cache turned over', () => {
    const validator = new JsonSchemaValidator(
      new CompiledSchemaCache({ maxEntries: 3, maxSourceBytes: 1 << 20 }),
    );
    for (let round = 0; round < 3; round++) {
      for (let seed = 0; seed < 10; seed++) {
        // A fresh object each time, as every job's parsed request is.
        expect(validator.check(invoice(seed), { total: 100 })).toEqual({ valid: true });
      }
    }
    expect(validator.cache.size).toBe(3);
  });

  it('compiles each distinct schema once, whoever sends it', () => {
    const cache = new CompiledSchemaCache();
    const validator = new JsonSchemaValidator(cache);
    for (let i = 0; i < 5; i++)
      validator.check(JSON.parse(JSON.stringify(invoice(1))), { total: 2 });
    expect(cache.compileCount).toBe(1);
  });

  it('supports drafts 2019-09 and 2020-12', () => {
    const validator = new JsonSchemaValidator();
    const tuple = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
      items: false,
    };
    expect(validator.check(tuple, ['a', 1])).toEqual({ valid: true });
    expect(validator.check(tuple, ['a', 1, 2]).valid).toBe(false);
    const recursive = {
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } },
      $ref: '#/$defs/node',
      unevaluatedProperties: false,
    };
    expect(validator.check(recursive, { next: { next: {} } })).toEqual({ valid: true });
    expect(validator.check(recursive, { other: 1 }).valid).toBe(false);
  });

  it('refuses a schema it cannot compile with InvalidSchemaError naming the path', () => {
    const validator = new JsonSchemaValidator();
    expect(() => validator.check({ properties: { a: { $ref: '#/nope' } } }, {})).toThrow(
      InvalidSchemaError,
    );
    expect(() => validator.check({ properties: { a: { pattern: '(?=a)' } } }, {})).toThrow(
      /\.properties\.a\.pattern/,
    );
  });

  it('releases what an evicted schema compiled (memory stays bounded)', async () => {
    const cache = new CompiledSchemaCache({ maxEntries: 4, maxSourceBytes: 1 << 20 });
    const refs: Array<WeakRef<object>> = [];
    for (let i = 0; i < 40; i++) {
      const schema = {
        type: 'object',
        properties: { [`f${i}`]: { type: 'string', pattern: `^x${i}$` } },
      };
      refs.push(new WeakRef(cache.validator(schema)));
    }
    // A WeakRef keeps its target until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    expect(cache.size).toBe(4);
    expect(alive).toBeLessThanOrEqual(4);
  });

  it('bounds the cache by schema bytes as well as entries', () => {
    const cache = new CompiledSchemaCache({ maxEntries: 100, maxSourceBytes: 2000 });
    for (let i = 0; i < 20; i++) {
      cache.validator({ type: 'string', description: `${i}`.padEnd(500, 'x') });
    }
    expect(cache.size).toBeLessThanOrEqual(4);
  });
});
