export const REDACTED = '[REDACTED]';

/** Shorter values would blank out ordinary words in prompts; real keys are far longer. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Well-known credential shapes, caught even when nobody passed the value in: a provider may echo a
 * key in an error message, or a user may paste one into a prompt.
 */
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\bgsk_[A-Za-z0-9]{16,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  [/\bwhsec_[A-Za-z0-9+/=]{16,}/g, REDACTED],
];

/**
 * A literal every credential pattern's match contains: text without one (almost every prompt and
 * field) skips the five pattern scans.
 */
const CREDENTIAL_HINT = /Bearer|Basic|sk-|gsk_|AIza|whsec_/;

/** A secret in the forms it can be stored in: raw, and JSON-escaped when that differs. */
type SecretForms = readonly string[];

/**
 * The secrets to look for, longest first, per distinct list. A ledger redacts ~15 fields of every
 * row with the same list; building the forms once per list, not per field, is most of the cost.
 * Keyed by the list's content, not its identity, so a list changed in place is never served stale.
 */
const formsByList = new Map<string, SecretForms>();
const MAX_CACHED_LISTS = 16;

function secretFormsOf(secrets: readonly string[]): SecretForms {
  const key = JSON.stringify(secrets);
  let forms = formsByList.get(key);
  if (forms) return forms;
  const candidates = [...new Set(secrets)]
    .filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  forms = candidates.flatMap((secret) => {
    const escaped = JSON.stringify(secret).slice(1, -1);
    return escaped === secret ? [secret] : [secret, escaped];
  });
  if (formsByList.size >= MAX_CACHED_LISTS) formsByList.clear();
  formsByList.set(key, forms);
  return forms;
}

/**
 * Replaces every known secret, in raw and JSON-escaped form (stored prompts are JSON text), plus
 * credential-shaped tokens, with [REDACTED]. Used on every string the ledger stores.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const form of secretFormsOf(secrets)) {
    if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  if (!CREDENTIAL_HINT.test(out)) return out;
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
