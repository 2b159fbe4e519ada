import type {
  Content,
  GenerateContentConfig,
  GenerateContentParameters,
  Part,
} from '@google/genai';
import type { ChatMessage, CompletionRequest, ContentPart } from '../provider.types';
import { failure } from '../shared/failure';
import {
  guessImageMime,
  isImageData,
  parseDataUrl,
  partsOf,
  textOnly,
} from '../shared/message-content';

/**
 * Images by URL go as fileData.fileUri: the adapter does not fetch them itself, and the Gemini
 * API reads the URIs it supports (Files API uploads, public http(s) URLs for current models).
 */
function toPart(part: ContentPart): Part {
  if (part.type === 'text') return { text: part.text };
  if (isImageData(part)) return { inlineData: { mimeType: part.mime_type, data: part.data } };
  const inline = parseDataUrl(part.url);
  if (inline) return { inlineData: { mimeType: inline.mimeType, data: inline.data } };
  return { fileData: { fileUri: part.url, mimeType: guessImageMime(part.url) } };
}

function toContent(message: ChatMessage): Content {
  return {
    role: message.role === 'assistant' ? 'model' : 'user',
    parts: partsOf(message).map(toPart),
  };
}

function systemInstruction(messages: ChatMessage[], provider: string): Content | undefined {
  const parts = messages
    .filter((m) => m.role === 'system')
    .map((m): Part => {
      const text = textOnly(m);
      if (text === undefined)
        throw failure('bad_request', provider, 'images are not allowed in system messages');
      return { text };
    });
  return parts.length > 0 ? { parts } : undefined;
}

/**
 * The normalized request as generateContent parameters. JSON output uses responseJsonSchema, which
 * takes a JSON Schema as is; responseSchema takes Gemini's OpenAPI-style subset and rejects
 * keywords common in JSON Schemas.
 */
export function toGoogleParams(
  request: CompletionRequest,
  provider: string,
  signal: AbortSignal,
): GenerateContentParameters {
  const config: GenerateContentConfig = {
    maxOutputTokens: request.max_tokens,
    abortSignal: signal,
    httpOptions: { timeout: request.timeout_ms },
  };
  const system = systemInstruction(request.messages, provider);
  if (system) config.systemInstruction = system;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.response_format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = request.response_format.schema;
  }
  return {
    model: request.model,
    contents: request.messages.filter((m) => m.role !== 'system').map(toContent),
    config,
  };
}
