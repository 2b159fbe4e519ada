import type { ChatMessage, ContentPart, ImageDataPart, ImageUrlPart } from '../provider.types';

export function isImageData(part: ContentPart): part is ImageDataPart {
  return part.type === 'image' && 'data' in part;
}

export function isImageUrl(part: ContentPart): part is ImageUrlPart {
  return part.type === 'image' && 'url' in part;
}

export function partsOf(message: ChatMessage): ContentPart[] {
  return typeof message.content === 'string'
    ? [{ type: 'text', text: message.content }]
    : message.content;
}

/** The text of a message; undefined when it also carries images (which only some roles allow). */
export function textOnly(message: ChatMessage): string | undefined {
  const parts = partsOf(message);
  if (parts.some((p) => p.type !== 'text')) return undefined;
  return parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** Images given as `data:` URLs travel as inline data to the APIs that have no URL form for them. */
export function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = DATA_URL.exec(url);
  return match ? { mimeType: match[1], data: match[2] } : undefined;
}

const EXTENSION_MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** Best guess of an image URL's type from its extension; JPEG when it has none. */
export function guessImageMime(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // not absolute: use as is
  }
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && EXTENSION_MIME[ext]) || 'image/jpeg';
}
