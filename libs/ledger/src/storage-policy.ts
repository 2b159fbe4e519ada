import type { ChatMessage, ContentPart } from '@switchyard/providers';
import type { LedgerPolicy } from '@switchyard/routing';
import { redactSecrets } from './redact-secrets';

/** Error messages are stored whatever the policy, but bounded: some providers echo the input. */
export const MAX_ERROR_MESSAGE_CHARS = 2000;

export function truncationMarker(omitted: number): string {
  return `…[truncated ${omitted} chars]`;
}

/** Cuts to maxChars and says how much was cut; never splits a surrogate pair. */
export function truncate(text: string, maxChars: number | undefined): string {
  if (maxChars === undefined || text.length <= maxChars) return text;
  let end = Math.max(0, Math.floor(maxChars));
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + truncationMarker(text.length - end);
}

/** PostgreSQL text cannot hold NUL; one such byte would fail a whole batch. */
function stripNul(text: string): string {
  return text.includes('\u0000') ? text.split('\u0000').join('') : text;
}

function elideImageData(part: ContentPart): ContentPart {
  // Inline images are megabytes of base64 that say nothing about routing quality.
  if (part.type === 'image' && 'data' in part) {
    return { ...part, data: `[${part.data.length} base64 chars omitted]` };
  }
  return part;
}

export function serializePrompt(messages: readonly ChatMessage[]): string {
  return JSON.stringify(
    messages.map((m) =>
      typeof m.content === 'string' ? m : { ...m, content: m.content.map(elideImageData) },
    ),
  );
}

/** Redact first, then truncate, so a cut can never leave half a secret behind. */
export function storableText(text: string, secrets: readonly string[], maxChars?: number): string {
  return truncate(redactSecrets(stripNul(text), secrets), maxChars);
}

export function storedPrompt(
  messages: readonly ChatMessage[] | null | undefined,
  policy: LedgerPolicy | undefined,
  secrets: readonly string[],
): string | null {
  if (!policy?.store_prompts || !messages) return null;
  return storableText(serializePrompt(messages), secrets, policy.max_chars);
}

export function storedResponse(
  text: string | null | undefined,
  policy: LedgerPolicy | undefined,
  secrets: readonly string[],
): string | null {
  if (!policy?.store_responses || text === null || text === undefined) return null;
  return storableText(text, secrets, policy.max_chars);
}

/** Short free-text fields (ids, codes, messages): always redacted, always bounded. */
export function storedField(
  text: string | null | undefined,
  secrets: readonly string[],
  maxChars = 500,
): string | null {
  if (text === null || text === undefined) return null;
  return storableText(String(text), secrets, maxChars);
}
