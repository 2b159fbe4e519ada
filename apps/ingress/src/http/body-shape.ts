import type { ErrorDetail } from './api-error';

/**
 * The rank of a field's problem: when several checks of one field fail, the lowest rank is
 * reported, so a missing field says "is required" and `temperature: "hot"` says it must be a
 * number, not that it must not be greater than 2. Value checks share the last rank; the first
 * listed of those wins.
 */
export const PROBLEM_RANK = {
  required: 0,
  string: 1,
  number: 2,
  integer: 3,
  boolean: 4,
  array: 5,
  object: 6,
  nested: 7,
  oneOf: 8,
  value: 9,
} as const;

export interface FieldCheck {
  rank: number;
  /** Null when the value passes; otherwise the problem, without the field's name. */
  problem(value: unknown, object: Record<string, unknown>): string | null;
}

export interface FieldRule {
  /**
   * required: absent or null is the problem "is required"; optional: absent or null skips the
   * field; checked: the checks run on whatever is there, absent included.
   */
  presence: 'required' | 'optional' | 'checked';
  /** The field is only validated when this holds for the object carrying it. */
  when?: (object: Record<string, unknown>) => boolean;
  checks?: readonly FieldCheck[];
  /**
   * An object (or each object of an array, at any depth) validated against a shape of its own;
   * `each` only changes the wording of a value that is neither.
   */
  nested?: { shape: BodyShape; each: boolean };
}

/** The fields of a body, in the order their problems are reported; any other key is refused. */
export type BodyShape = Readonly<Record<string, FieldRule>>;

/** A body's problems as `{field, problem}` with full paths (`messages[0].content[1].url`). */
export type BodyValidator = (body: unknown) => ErrorDetail[];

interface CompiledField {
  name: string;
  rule: FieldRule;
  checks: readonly FieldCheck[];
  nested: { shape: CompiledShape; notAnObject: string } | null;
}

interface CompiledShape {
  names: ReadonlySet<string>;
  fields: readonly CompiledField[];
}

/** Compiles a shape once; the validator it returns allocates only for the problems it finds. */
export function compileBodyShape(shape: BodyShape): BodyValidator {
  const compiled = compileShape(shape);
  return (body) => {
    const details: ErrorDetail[] = [];
    validateObject(isObjectLike(body) ? body : {}, compiled, '', details);
    return details;
  };
}

function compileShape(shape: BodyShape): CompiledShape {
  return {
    names: new Set(Object.keys(shape)),
    fields: Object.entries(shape).map(([name, rule]) => ({
      name,
      rule,
      checks: rule.checks ?? [],
      nested: rule.nested
        ? {
            shape: compileShape(rule.nested.shape),
            notAnObject: `${rule.nested.each ? 'each value in ' : ''}nested property ${name} must be either object or array`,
          }
        : null,
    })),
  };
}

function validateObject(
  object: Record<string, unknown>,
  shape: CompiledShape,
  path: string,
  details: ErrorDetail[],
): void {
  for (const key of Object.keys(object)) {
    if (!shape.names.has(key))
      report(details, childPath(path, key), `property ${key} should not exist`);
  }
  for (const field of shape.fields) validateField(object, field, path, details);
}

function validateField(
  object: Record<string, unknown>,
  field: CompiledField,
  path: string,
  details: ErrorDetail[],
): void {
  const { rule, nested } = field;
  if (rule.when && !rule.when(object)) return;
  const value = object[field.name];
  if (value === undefined || value === null) {
    if (rule.presence === 'required')
      return report(details, childPath(path, field.name), 'is required');
    if (rule.presence === 'optional') return;
  }
  let rank: number = Number.POSITIVE_INFINITY;
  let problem: string | null = null;
  for (const check of field.checks) {
    if (check.rank >= rank) continue;
    const found = check.problem(value, object);
    if (found !== null) {
      rank = check.rank;
      problem = found;
    }
  }
  if (nested && value !== undefined && !isObjectLike(value) && PROBLEM_RANK.nested < rank) {
    problem = nested.notAnObject;
  }
  if (problem !== null) report(details, childPath(path, field.name), problem);
  if (nested && isObjectLike(value)) {
    validateNested(value, nested, childPath(path, field.name), details);
  }
}

/** Arrays are walked element by element, at any depth, down to the objects they hold. */
function validateNested(
  value: object,
  nested: NonNullable<CompiledField['nested']>,
  path: string,
  details: ErrorDetail[],
): void {
  if (!Array.isArray(value)) {
    return validateObject(value as Record<string, unknown>, nested.shape, path, details);
  }
  value.forEach((element: unknown, i) => {
    const at = `${path}[${i}]`;
    if (isObjectLike(element)) validateNested(element, nested, at, details);
    else if (element !== undefined) report(details, at, nested.notAnObject);
  });
}

function isObjectLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function childPath(parent: string, key: string): string {
  if (/^\d+$/.test(key)) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

// Checks of free-form values (message parts, candidates) name the sub-path first:
// "[1].url must be …" is reported at `<field>[1].url`.
function report(details: ErrorDetail[], field: string, message: string): void {
  const m = /^((?:\[\d+\])+(?:\.[^\s.[\]]+)?) ?(.*)$/.exec(message);
  details.push(m ? { field: `${field}${m[1]}`, problem: m[2] } : { field, problem: message });
}
