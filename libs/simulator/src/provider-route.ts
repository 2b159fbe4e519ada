import { anthropicWire } from './wire/anthropic-wire';
import { geminiWire } from './wire/gemini-wire';
import { openAiWire } from './wire/openai-wire';
import type { WireFormat } from './wire/wire-format';

export interface ProviderRoute {
  wire: WireFormat;
  /** The routing-table provider calling: the /p/{name} prefix, or the API's own name. */
  provider: string;
  /** Gemini carries the model in the path. */
  pathModel?: string;
  /** Gemini streams on its own path (`:streamGenerateContent?alt=sse`). */
  streamPath?: boolean;
}

const PROVIDER_PREFIX = /^\/p\/([^/]+)(\/.*)$/;
const GEMINI_PATH =
  /^\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** Maps a request path to the wire format it speaks, with or without a provider prefix. */
export function matchProviderRoute(pathname: string): ProviderRoute | undefined {
  let provider: string | undefined;
  let rest = pathname;
  const prefixed = PROVIDER_PREFIX.exec(pathname);
  if (prefixed) {
    provider = decodeURIComponent(prefixed[1]);
    rest = prefixed[2];
  }
  if (rest === '/v1/chat/completions')
    return { wire: openAiWire, provider: provider ?? openAiWire.defaultProvider };
  if (rest === '/v1/messages')
    return { wire: anthropicWire, provider: provider ?? anthropicWire.defaultProvider };
  const gemini = GEMINI_PATH.exec(rest);
  if (gemini) {
    return {
      wire: geminiWire,
      provider: provider ?? geminiWire.defaultProvider,
      pathModel: decodeURIComponent(gemini[1]),
      streamPath: gemini[2] === 'streamGenerateContent',
    };
  }
  return undefined;
}
