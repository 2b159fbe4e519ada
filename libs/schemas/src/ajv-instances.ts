import Ajv, { type Options } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { linearFormat, linearRegExp } from './linear-regexp';
import type { SchemaDraft } from './schema-drafts';

export type AnyAjv = Ajv | Ajv2019 | Ajv2020;

// ajv-formats is not a dependency; these cover the formats structured-output schemas use. They
// run on model output, so they run on RE2 too.
const FORMATS: Record<string, (value: string) => boolean> = {
  'date-time': linearFormat(
    '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:?\\d{2})$',
  ),
  date: linearFormat('^\\d{4}-\\d{2}-\\d{2}$'),
  time: linearFormat('^\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:?\\d{2})?$'),
  email: linearFormat('^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$'),
  uri: linearFormat('^[a-z][a-z0-9+.-]*:[^\\s]*$', true),
  uuid: linearFormat('^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', true),
};

const BASE_OPTIONS: Options = {
  strict: false,
  logger: false,
  allErrors: false,
  // Each compiled schema has an instance of its own (see CompiledSchemaCache), so a `$id` is
  // never registered where another request's schema could collide with it.
  addUsedSchema: false,
  // Inlining referenced schemas can multiply generated code; calls keep it linear in the schema.
  inlineRefs: false,
  code: { regExp: linearRegExp },
};

/**
 * A fresh ajv for one caller schema. The shape was checked against the meta-schema already, so
 * the instance does not compile the meta-schema again (`validateSchema: false`).
 */
export function newCompilingAjv(draft: SchemaDraft): AnyAjv {
  const options: Options = { ...BASE_OPTIONS, formats: FORMATS, validateSchema: false };
  switch (draft) {
    case '2020-12':
      return new Ajv2020(options);
    case '2019-09':
      return new Ajv2019(options);
    default:
      return new Ajv(options);
  }
}

/**
 * The instance that checks caller schemas against a draft's meta-schema: one per draft per
 * process, whose only compiled schema is the meta-schema.
 */
export function newMetaAjv(draft: SchemaDraft): AnyAjv {
  // Formats go in through the options: the constructor compiles the meta-schema already.
  // `regex` passes here: the schema walk runs every pattern through RE2 once, within a budget
  // (see PatternBudget), and names the pattern it refuses.
  const regex = () => true;
  const options: Options = { ...BASE_OPTIONS, formats: { ...FORMATS, regex } };
  switch (draft) {
    case '2020-12':
      return new Ajv2020(options);
    case '2019-09':
      return new Ajv2019(options);
    default:
      return new Ajv(options);
  }
}
