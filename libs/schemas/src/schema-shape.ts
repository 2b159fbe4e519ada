import type { ErrorObject, ValidateFunction } from 'ajv';
import { newMetaAjv } from './ajv-instances';
import { META_SCHEMA_URI, draftOf, type SchemaDraft } from './schema-drafts';
import { PatternBudget } from './pattern-budget';
import { walkProblems, type SchemaProblem } from './schema-walk';

/** Largest `response_format.schema`, as JSON. Compiling costs about 2 ms per KiB of schema. */
export const SCHEMA_MAX_BYTES = 32 * 1024;

const MAX_REPORTED = 5;

// One meta-schema validator per draft per process, compiled on first use and never again: the
// ingress checks every submitted schema with it instead of compiling the schema itself.
const metaValidators = new Map<SchemaDraft, ValidateFunction>();

function metaValidator(draft: SchemaDraft): ValidateFunction {
  let validate = metaValidators.get(draft);
  if (!validate) {
    const found = newMetaAjv(draft).getSchema(META_SCHEMA_URI[draft]);
    if (!found) throw new Error(`ajv has no meta-schema for ${draft}`);
    validate = found;
    metaValidators.set(draft, validate);
  }
  return validate;
}

/** `/properties/a/required/0` → `.properties.a.required[0]`, arrays told apart by the value. */
function pathFromPointer(root: unknown, pointer: string): string {
  let path = '';
  let current: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      path += `[${segment}]`;
      current = current[Number(segment)];
    } else {
      path += `.${segment}`;
      current =
        current && typeof current === 'object'
          ? (current as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return path;
}

function describe(root: unknown, error: ErrorObject): SchemaProblem {
  return {
    path: pathFromPointer(root, error.instancePath),
    problem: error.message ?? 'is invalid',
  };
}

/**
 * Everything ajv would refuse in a caller's schema, found without compiling it: the draft named
 * by `$schema`, the draft's meta-schema (keyword types and values), `pattern`s RE2 can run, `$ref`s that
 * resolve inside the schema and `$id`s declared once. Nothing outlives the call but a bounded
 * memo of pattern verdicts, so a flood of rejected jobs leaves no trace; the RE2 checks, the one
 * costly part, stay within `patterns` (at most 100 patterns and 100 ms per schema by default).
 */
export function schemaShapeProblems(
  schema: Record<string, unknown>,
  patterns: PatternBudget = new PatternBudget(),
): SchemaProblem[] {
  const draft = draftOf(schema);
  if (!draft.ok) return [{ path: '.$schema', problem: draft.problem }];
  const validate = metaValidator(draft.draft);
  if (!validate(schema)) {
    const errors = (validate.errors ?? []).filter(
      (e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf',
    );
    const problems = (errors.length ? errors : (validate.errors ?? [])).map((e) =>
      describe(schema, e),
    );
    // One problem per path: a failed `anyOf` reports each branch, the first says enough.
    const seen = new Set<string>();
    return problems.filter((p) => !seen.has(p.path) && seen.add(p.path)).slice(0, MAX_REPORTED);
  }
  return walkProblems(schema, draft.draft, patterns).slice(0, MAX_REPORTED);
}
