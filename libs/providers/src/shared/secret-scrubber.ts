export const REDACTED = '[REDACTED]';

/** Keys shorter than this are not secrets worth the damage of rewriting every match in a message. */
const MIN_SECRET_LENGTH = 4;

const CREDENTIAL_PATTERNS: RegExp[] = [
  /(Bearer\s+)[^\s"',;]+/gi,
  /((?:x-api-key|x-goog-api-key|api-key)["']?\s*[:=]\s*["']?)[^\s"',;]+/gi,
  /([?&]key=)[^&\s"']+/gi,
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes an API key from text bound for errors, logs or records: the key itself (also in its
 * URL-encoded form), and anything that looks like a credential header or `key=` query parameter,
 * in case a provider or proxy echoes one we do not hold.
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  let out = text;
  if (secret && secret.length >= MIN_SECRET_LENGTH) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
    }
  }
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
  return out;
}
