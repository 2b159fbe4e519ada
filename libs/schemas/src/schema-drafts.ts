/** The JSON Schema drafts Switchyard accepts for `response_format.schema`, by their `$schema` URI. */
export type SchemaDraft = 'draft-07' | '2019-09' | '2020-12';

export const SUPPORTED_DRAFTS: readonly SchemaDraft[] = ['draft-07', '2019-09', '2020-12'];

/** The meta-schema id each draft's ajv instance registers (normalized: no trailing `#`). */
export const META_SCHEMA_URI: Record<SchemaDraft, string> = {
  'draft-07': 'http://json-schema.org/draft-07/schema',
  '2019-09': 'https://json-schema.org/draft/2019-09/schema',
  '2020-12': 'https://json-schema.org/draft/2020-12/schema',
};

export type DraftVerdict = { ok: true; draft: SchemaDraft } | { ok: false; problem: string };

/**
 * The draft a schema is written in: its `$schema` names it (http or https, with or without the
 * trailing `#`); no `$schema` means draft-07, as ajv's default. Anything else is refused rather
 * than guessed, because the drafts disagree on keywords such as `items` and `$ref` siblings.
 */
export function draftOf(schema: Record<string, unknown>): DraftVerdict {
  const declared = schema.$schema;
  if (declared === undefined) return { ok: true, draft: 'draft-07' };
  if (typeof declared !== 'string') return { ok: false, problem: 'must be a string' };
  const normalized = declared.replace(/^https?:\/\//, '').replace(/#$/, '');
  for (const draft of SUPPORTED_DRAFTS) {
    if (META_SCHEMA_URI[draft].replace(/^https?:\/\//, '') === normalized)
      return { ok: true, draft };
  }
  return {
    ok: false,
    problem: `unsupported $schema "${declared.slice(0, 200)}"; supported: ${SUPPORTED_DRAFTS.map((d) => META_SCHEMA_URI[d]).join(', ')}`,
  };
}
