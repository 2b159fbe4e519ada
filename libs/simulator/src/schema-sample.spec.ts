import { JsonSchemaValidator } from '@switchyard/schemas';
import { sampleFromSchema, violateSchema } from './schema-sample';

// The validator the workers check structured output with, formats included.
const validator = new JsonSchemaValidator();

const SCHEMAS: Record<string, Record<string, unknown>> = {
  object: {
    type: 'object',
    properties: { title: { type: 'string' }, score: { type: 'number', minimum: 1, maximum: 5 } },
    required: ['title', 'score'],
  },
  enumsAndConst: {
    type: 'object',
    properties: { level: { enum: ['low', 'high'] }, version: { const: 2 } },
    required: ['level', 'version'],
  },
  nested: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        minItems: 3,
        uniqueItems: true,
        items: {
          type: 'object',
          properties: { id: { type: 'integer', exclusiveMinimum: 0 } },
          required: ['id'],
        },
      },
      when: { type: 'string', format: 'date-time' },
      maybe: { anyOf: [{ type: 'null' }, { type: 'string', minLength: 3 }] },
    },
    required: ['items'],
  },
  refs: {
    $defs: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
    type: 'object',
    properties: { origin: { $ref: '#/$defs/point' } },
    required: ['origin'],
  },
  optionalOnly: { type: 'object', properties: { note: { type: 'string' } } },
  scalar: { type: 'integer', minimum: 10 },
  geminiStyle: { type: 'OBJECT', properties: { ok: { type: 'BOOLEAN' } }, required: ['ok'] },
};

describe('schema sampler', () => {
  it.each(Object.entries(SCHEMAS))(
    'samples a value that satisfies the %s schema',
    (_name, schema) => {
      const lowerCased = JSON.parse(
        JSON.stringify(schema).replace(
          /"(OBJECT|BOOLEAN)"/g,
          (_m, t: string) => `"${t.toLowerCase()}"`,
        ),
      );
      expect(validator.check(lowerCased, sampleFromSchema(schema))).toEqual({ valid: true });
    },
  );

  it.each(Object.entries(SCHEMAS))(
    'produces output that violates the %s schema',
    (_name, schema) => {
      const lowerCased = JSON.parse(
        JSON.stringify(schema).replace(
          /"(OBJECT|BOOLEAN)"/g,
          (_m, t: string) => `"${t.toLowerCase()}"`,
        ),
      );
      const text = violateSchema(schema);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return; // not JSON at all is a violation too
      }
      expect(validator.check(lowerCased, value).valid).toBe(false);
    },
  );

  it('falls back to prose when the schema constrains nothing', () => {
    expect(() => JSON.parse(violateSchema({}))).toThrow();
  });
});
