import { newCompilingAjv, newMetaAjv } from './ajv-instances';
import { draftOf } from './schema-drafts';
import { schemaShapeProblems } from './schema-shape';

type Schema = Record<string, unknown>;

/** What ajv itself says, validating the schema against its meta-schema as it compiles it. */
function compiles(schema: Schema, validatingSchema = false): boolean {
  const draft = draftOf(schema);
  if (!draft.ok) return false;
  try {
    const ajv = validatingSchema ? newMetaAjv(draft.draft) : newCompilingAjv(draft.draft);
    ajv.compile(structuredClone(schema));
    return true;
  } catch {
    return false;
  }
}

const D2019 = 'https://json-schema.org/draft/2019-09/schema';
const D2020 = 'https://json-schema.org/draft/2020-12/schema';

// Accepted by the shape check exactly when a worker can compile them.
const ACCEPTED: Schema[] = [
  {},
  { type: 'object', properties: { a: { type: 'string', pattern: '^[a-z]+\\d*$' } } },
  { $id: 'https://example.com/invoice', type: 'object', required: ['total'] },
  { definitions: { n: { type: 'number' } }, properties: { a: { $ref: '#/definitions/n' } } },
  { $schema: 'http://json-schema.org/draft-07/schema#', items: [{ type: 'string' }] },
  { $schema: D2019, $defs: { n: { type: 'number' } }, items: { $ref: '#/$defs/n' } },
  { $schema: D2020, prefixItems: [{ type: 'string' }], items: false },
  { $schema: D2020, $defs: { a: { $anchor: 'thing', type: 'string' } }, $ref: '#thing' },
  {
    $id: 'https://x.test/root.json',
    $defs: { i: { $id: 'item.json', type: 'string' } },
    items: { $ref: 'item.json' },
  },
  { definitions: { a: { $id: '#named', type: 'string' } }, properties: { b: { $ref: '#named' } } },
  { patternProperties: { '^x-': { type: 'string' } } },
  { properties: { 'a/b': { type: 'string' } }, items: { $ref: '#/properties/a~1b' } },
  { $ref: 'http://json-schema.org/draft-07/schema#' },
  { type: 'string', format: 'unknown-format' },
];

const REFUSED: Array<[Schema, string, RegExp]> = [
  [{ properties: { a: { type: 'strin' } } }, '.properties.a.type', /allowed values/],
  [{ required: 'total' }, '.required', /must be array/],
  [{ properties: { a: { pattern: '(?=x)' } } }, '.properties.a.pattern', /RE2/],
  [{ properties: { a: { pattern: '(a)\\1' } } }, '.properties.a.pattern', /RE2/],
  [{ properties: { a: { pattern: '[' } } }, '.properties.a.pattern', /RE2/],
  [{ patternProperties: { '(?!x)': { type: 'string' } } }, '.patternProperties.(?!x)', /RE2/],
  [
    { properties: { a: { $ref: '#/definitions/missing' } } },
    '.properties.a.$ref',
    /does not resolve/,
  ],
  [{ $ref: 'https://elsewhere.test/schema.json' }, '.$ref', /does not resolve/],
  [{ $schema: 'http://json-schema.org/draft-04/schema#' }, '.$schema', /unsupported/],
  [{ $schema: D2020, $ref: '#nowhere' }, '.$ref', /does not resolve/],
  [
    { $defs: { a: { $id: 'https://x.test/a' }, b: { $id: 'https://x.test/a' } }, $schema: D2020 },
    '.$defs.b.$id',
    /declared twice/,
  ],
];

describe('schemaShapeProblems', () => {
  it.each(ACCEPTED.map((s) => [JSON.stringify(s), s]))(
    'accepts %s, which compiles',
    (_, schema) => {
      expect(schemaShapeProblems(schema as Schema)).toEqual([]);
      expect(compiles(schema as Schema)).toBe(true);
    },
  );

  it.each(REFUSED.map(([s, path, problem]) => [JSON.stringify(s), s, path, problem]))(
    'refuses %s naming its path',
    (_, schema, path, problem) => {
      const problems = schemaShapeProblems(schema as Schema);
      expect(problems[0]).toEqual({ path, problem: expect.stringMatching(problem as RegExp) });
    },
  );

  it('refuses what ajv (with RE2 patterns) cannot compile', () => {
    const compiled = REFUSED.filter(([schema]) => compiles(schema, true)).map(([s]) => s);
    expect(compiled).toEqual([]);
  });

  it('checks a 15 KB schema in a few milliseconds without compiling it', () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 150; i++) {
      properties[`field_${i}`] = {
        type: 'string',
        description: 'x'.repeat(40),
        maxLength: 100 + i,
      };
    }
    const schema = { type: 'object', properties, required: Object.keys(properties) };
    expect(JSON.stringify(schema).length).toBeGreaterThan(15_000);
    schemaShapeProblems(schema);
    const started = performance.now();
    for (let i = 0; i < 20; i++) schemaShapeProblems(schema);
    expect((performance.now() - started) / 20).toBeLessThan(10);
  });
});
