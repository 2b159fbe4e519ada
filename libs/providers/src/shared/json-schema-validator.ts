import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { InvalidSchemaError } from './invalid-schema-error';

export type SchemaCheck = { valid: true } | { valid: false; problems: string };

// ajv-formats is not a dependency; these cover the formats structured-output schemas use.
const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  time: /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

function configure<T extends AnyAjv>(ajv: T): T {
  for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);
  return ajv;
}

const MAX_CACHED = 500;

/**
 * Validates values against caller-supplied JSON Schemas. Compiled validators are cached by the
 * schema's text, because the same few task schemas arrive over and over.
 */
export class JsonSchemaValidator {
  private readonly draft7 = configure(new Ajv({ strict: false, logger: false, allErrors: false }));
  private readonly draft2019 = configure(new Ajv2019({ strict: false, logger: false }));
  private readonly draft2020 = configure(new Ajv2020({ strict: false, logger: false }));
  private readonly cache = new Map<string, ValidateFunction>();

  check(schema: Record<string, unknown>, value: unknown): SchemaCheck {
    const validate = this.compiled(schema);
    if (validate(value)) return { valid: true };
    const problems = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    return { valid: false, problems: problems || 'does not match the schema' };
  }

  private compiled(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.cache.get(key);
    if (validate) return validate;
    const draft = typeof schema.$schema === 'string' ? schema.$schema : '';
    const ajv = draft.includes('2020-12')
      ? this.draft2020
      : draft.includes('2019-09')
        ? this.draft2019
        : this.draft7;
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      throw new InvalidSchemaError(
        `the response schema is not a valid JSON Schema: ${(err as Error).message}`,
      );
    }
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, validate);
    return validate;
  }
}
