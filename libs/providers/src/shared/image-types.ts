import type { ChatMessage, ProviderKind } from '../provider.types';
import { guessImageMime, isImageData, parseDataUrl, partsOf } from './message-content';

/**
 * The image types each API takes, as its documentation lists them: OpenAI (and the servers that
 * copy its API) and Anthropic take PNG, JPEG, GIF and WebP; Gemini takes PNG, JPEG, WebP, HEIC and
 * HEIF. Any other type is refused by the provider as a bad request, which no retry can change, so
 * the planner skips such candidates instead of sending them the job.
 */
export const IMAGE_TYPES_BY_KIND: Record<ProviderKind, readonly string[]> = {
  openai: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
  'openai-compatible': ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
  anthropic: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
  google: ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'],
};

/**
 * The types of the images in these messages: declared for inline data and data: URLs, guessed
 * from the extension for other URLs (JPEG without one, which every API takes).
 */
export function imageTypesIn(messages: readonly ChatMessage[]): string[] {
  const types = new Set<string>();
  for (const message of messages) {
    for (const part of partsOf(message)) {
      if (part.type !== 'image') continue;
      if (isImageData(part)) types.add(part.mime_type);
      else types.add(parseDataUrl(part.url)?.mimeType ?? guessImageMime(part.url));
    }
  }
  return [...types];
}
