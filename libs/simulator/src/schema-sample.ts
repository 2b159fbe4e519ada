/**
 * A tiny JSON Schema sampler: a deterministic value that satisfies a schema (for the simulator's
 * structured answers) and one that does not (for `break_schema`). It covers what LLM structured
 * output schemas use: objects, arrays, scalars, enums, const, anyOf/oneOf/allOf and local $refs.
 */
type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRef(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < MAX_DEPTH; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#/')) return {};
    let target: unknown = root;
    for (const segment of ref.slice(2).split('/')) {
      target = isSchema(target)
        ? target[segment.replace(/~1/g, '/').replace(/~0/g, '~')]
        : undefined;
    }
    current = isSchema(target) ? target : {};
  }
  return current;
}

/** Gemini's Schema uses OBJECT/STRING...; JSON Schema uses lower case. Both are accepted. */
function typeOf(schema: Schema): string | undefined {
  const raw = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (typeof raw === 'string') return raw.toLowerCase();
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return 'array';
  return undefined;
}

function firstAlternative(schema: Schema): Schema | undefined {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const nonNull = list.find((s) => isSchema(s) && s.type !== 'null');
      if (isSchema(nonNull)) return nonNull;
    }
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.filter(isSchema)) as Schema;
  }
  return undefined;
}

const STRING_FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  email: 'sim@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function sampleString(schema: Schema): string {
  const byFormat = typeof schema.format === 'string' ? STRING_FORMATS[schema.format] : undefined;
  if (byFormat) return byFormat;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  let value = 'sample';
  while (value.length < min) value += 'x';
  return value.slice(0, Math.max(min, Math.min(value.length, max)));
}

function sampleNumber(schema: Schema, integer: boolean): number {
  const step = integer ? 1 : 0.5;
  let value = 0;
  if (typeof schema.minimum === 'number') value = schema.minimum;
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
    value = schema.exclusiveMinimum + step;
  }
  if (typeof schema.maximum === 'number' && value > schema.maximum) value = schema.maximum;
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) {
    value = schema.exclusiveMaximum - step;
  }
  return integer ? Math.ceil(value) : value;
}

/** For uniqueItems: varies the first string or number found, so repeated samples differ. */
function distinct(value: unknown, index: number): unknown {
  if (index === 0) return value;
  if (typeof value === 'string') return `${value}-${index}`;
  if (typeof value === 'number') return value + index;
  if (Array.isArray(value))
    return value.length > 0 ? [distinct(value[0], index), ...value.slice(1)] : value;
  if (isSchema(value)) {
    const [first] = Object.keys(value);
    return first === undefined ? value : { ...value, [first]: distinct(value[first], index) };
  }
  return value;
}

function sampleArray(schema: Schema, root: Schema, depth: number): unknown[] {
  if (Array.isArray(schema.prefixItems))
    return schema.prefixItems.map((s) => sampleAt(s, root, depth + 1));
  if (Array.isArray(schema.items)) return schema.items.map((s) => sampleAt(s, root, depth + 1));
  const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
  const count = Math.min(Math.max(min, 1), max);
  const item = sampleAt(schema.items ?? {}, root, depth + 1);
  return Array.from({ length: count }, (_, i) => (schema.uniqueItems ? distinct(item, i) : item));
}

function sampleObject(schema: Schema, root: Schema, depth: number): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [name, propertySchema] of Object.entries(properties)) {
    out[name] = sampleAt(propertySchema, root, depth + 1);
  }
  return out;
}

function sampleAt(raw: unknown, root: Schema, depth: number): unknown {
  if (!isSchema(raw) || depth > MAX_DEPTH) return 'sample';
  const schema = resolveRef(raw, root);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const alternative = firstAlternative(schema);
  if (alternative && typeOf(schema) === undefined) return sampleAt(alternative, root, depth + 1);
  switch (typeOf(schema)) {
    case 'object':
      return sampleObject(schema, root, depth);
    case 'array':
      return sampleArray(schema, root, depth);
    case 'string':
      return sampleString(schema);
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'sample';
  }
}

export function sampleFromSchema(schema: unknown): unknown {
  return sampleAt(schema, isSchema(schema) ? schema : {}, 0);
}

function wrongValueFor(raw: unknown, root: Schema): unknown {
  if (!isSchema(raw)) return undefined;
  const schema = resolveRef(raw, root);
  if ('const' in schema || Array.isArray(schema.enum)) return '__not_an_allowed_value__';
  switch (typeOf(schema)) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return 'not an object';
    case 'null':
      return 0;
    default:
      return undefined;
  }
}

/**
 * JSON text that fails the schema the way drifting models fail it: a required field missing, or a
 * field of the wrong type. When the schema constrains nothing, prose that is not JSON at all.
 */
export function violateSchema(schema: unknown): string {
  const root = isSchema(schema) ? schema : {};
  const top = resolveRef(root, root);
  if (typeOf(top) === 'object') {
    const value = sampleObject(top, root, 0);
    const required = Array.isArray(top.required)
      ? top.required.filter((r) => typeof r === 'string')
      : [];
    if (required.length > 0) {
      delete value[required[0]];
      return JSON.stringify(value);
    }
    const properties = isSchema(top.properties) ? top.properties : {};
    for (const [name, propertySchema] of Object.entries(properties)) {
      const wrong = wrongValueFor(propertySchema, root);
      if (wrong !== undefined) return JSON.stringify({ ...value, [name]: wrong });
    }
  }
  const wrong = wrongValueFor(top, root);
  return wrong === undefined
    ? 'Sure! Here is the answer, though not as JSON.'
    : JSON.stringify(wrong);
}
