import { CompiledSchemaCache } from './compiled-schema-cache';

export type SchemaCheck = { valid: true } | { valid: false; problems: string };

/**
 * Validates values (model output) against caller-supplied JSON Schemas, compiling each distinct
 * schema once into a bounded cache. Patterns run on RE2, so one check costs time linear in the
 * value's size. Throws InvalidSchemaError when the schema itself cannot be compiled.
 */
export class JsonSchemaValidator {
  constructor(readonly cache = new CompiledSchemaCache()) {}

  check(schema: Record<string, unknown>, value: unknown): SchemaCheck {
    const validate = this.cache.validator(schema);
    if (validate(value)) return { valid: true };
    const problems = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    return { valid: false, problems: problems || 'does not match the schema' };
  }
}
