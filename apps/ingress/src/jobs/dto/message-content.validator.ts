const MAX_IMAGE_URL_LENGTH = 8192;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const IMAGE_MIME = /^image\/(png|jpeg|gif|webp|heic|heif)$/;

/**
 * Message content is either a string or an array of typed parts; this one check takes both
 * shapes and names the exact part at fault. Images are
 * only taken in user messages: OpenAI refuses them in any other role and no provider takes them in
 * a system prompt, so a job carrying one elsewhere would pass here only to fail at the provider.
 */
export function contentProblem(value: unknown, role?: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 ? null : 'must not be empty';
  if (!Array.isArray(value)) return 'must be a string or an array of parts';
  if (value.length === 0) return 'must have at least one part';
  for (let i = 0; i < value.length; i++) {
    const problem = partProblem(value[i]);
    if (problem) return `[${i}]${problem}`;
    if ((role === 'system' || role === 'assistant') && isImagePart(value[i])) {
      return `[${i}] images are only accepted in user messages, not in ${role} messages`;
    }
  }
  return null;
}

function isImagePart(part: unknown): boolean {
  return (part as { type?: unknown }).type === 'image';
}

// The keys each kind of part may have: like messages and the top level, a part refuses the rest.
const PART_KEYS: Record<string, readonly string[]> = {
  text: ['type', 'text'],
  image: ['type', 'url', 'data', 'mime_type'],
};

function partProblem(part: unknown): string | null {
  if (!part || typeof part !== 'object' || Array.isArray(part)) return ' must be an object';
  const p = part as Record<string, unknown>;
  const allowed = typeof p.type === 'string' ? PART_KEYS[p.type] : undefined;
  const unknown = allowed && Object.keys(p).find((key) => !allowed.includes(key));
  if (unknown) return `.${unknown} is not a field of a ${String(p.type)} part`;
  if (p.type === 'text') {
    return typeof p.text === 'string' && p.text.length > 0
      ? null
      : '.text must be a non-empty string';
  }
  if (p.type === 'image') {
    if (p.url !== undefined) {
      if (
        typeof p.url !== 'string' ||
        !/^https?:\/\//.test(p.url) ||
        p.url.length > MAX_IMAGE_URL_LENGTH
      ) {
        return '.url must be an http(s) URL';
      }
      return p.data === undefined ? null : ' must have either url or data, not both';
    }
    if (typeof p.data !== 'string' || p.data.length === 0 || !BASE64.test(p.data)) {
      return '.data must be base64 image data (or give url instead)';
    }
    if (typeof p.mime_type !== 'string' || !IMAGE_MIME.test(p.mime_type)) {
      return '.mime_type must be an image type such as image/png';
    }
    return null;
  }
  return '.type must be "text" or "image"';
}

/** A JSON object (not an array) of at most `maxBytes` as JSON. */
export function jsonObjectProblem(maxBytes: number): (value: unknown) => string | null {
  return (value) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return 'must be a JSON object';
    return Buffer.byteLength(JSON.stringify(value)) <= maxBytes
      ? null
      : `must be at most ${maxBytes} bytes as JSON`;
  };
}
