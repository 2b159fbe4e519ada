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
 * Replaces every known secret, in raw and JSON-escaped form (stored prompts are JSON text), plus
 * credential-shaped tokens, with [REDACTED]. Used on every string the ledger stores.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const candidates = [...new Set(secrets)]
    .filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const secret of candidates) {
    out = out.split(secret).join(REDACTED);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED);
  }
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
