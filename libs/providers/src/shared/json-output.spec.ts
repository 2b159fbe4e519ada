import { ProviderError } from '../provider-error';
import { parseJsonOutput } from './json-output';

const schema = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' }, count: { type: 'integer', minimum: 1 } },
  required: ['id', 'count'],
};
const valid = { id: '00000000-0000-4000-8000-000000000000', count: 2 };

function failureOf(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe('parseJsonOutput', () => {
  it('returns the parsed value when it matches the schema', () => {
    expect(parseJsonOutput(JSON.stringify(valid), schema, 'p')).toEqual(valid);
  });

  it('accepts JSON wrapped in a markdown fence', () => {
    expect(parseJsonOutput('```json\n' + JSON.stringify(valid) + '\n```', schema, 'p')).toEqual(
      valid,
    );
  });

  it('is invalid_output when the text is not JSON', () => {
    expect(failureOf(() => parseJsonOutput('Sure! {"id":', schema, 'p'))).toMatchObject({
      type: 'invalid_output',
      provider: 'p',
    });
  });

  it('is invalid_output, naming the problems, when the JSON breaks the schema', () => {
    const err = failureOf(() =>
      parseJsonOutput(JSON.stringify({ id: 'not-a-uuid', count: 0 }), schema, 'p'),
    );
    expect(err.type).toBe('invalid_output');
    expect(err.message).toMatch(/\/id must match format "uuid"|\/count must be >= 1/);
  });

  it('understands draft 2020-12 schemas', () => {
    const tuple = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'number' }],
      items: false,
    };
    expect(parseJsonOutput('[1]', tuple, 'p')).toEqual([1]);
    expect(failureOf(() => parseJsonOutput('[1, 2]', tuple, 'p')).type).toBe('invalid_output');
  });

  it('is bad_request when the schema itself is not valid', () => {
    expect(
      failureOf(() => parseJsonOutput('{}', { type: 'object', required: 'id' }, 'p')).type,
    ).toBe('bad_request');
  });
});
