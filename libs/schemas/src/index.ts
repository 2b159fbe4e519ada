export * from './schema-drafts';
export { linearRegExpProblem, linearRegExpTester } from './linear-regexp';
export {
  PatternBudget,
  SCHEMA_MAX_PATTERNS,
  SCHEMA_PATTERN_CHECK_BUDGET_MS,
} from './pattern-budget';
export { type SchemaProblem } from './schema-walk';
export { SCHEMA_MAX_BYTES, schemaShapeProblems } from './schema-shape';
export {
  CompiledSchemaCache,
  DEFAULT_SCHEMA_CACHE_LIMITS,
  schemaKey,
  type CompiledSchemaCacheLimits,
} from './compiled-schema-cache';
export { JsonSchemaValidator, type SchemaCheck } from './json-schema-validator';
export { InvalidSchemaError } from './invalid-schema-error';
