import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, CompletionRequest, ContentPart } from '../provider.types';
import { failure } from '../shared/failure';
import { isImageData, parseDataUrl, textOnly } from '../shared/message-content';

type Base64MediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
const MEDIA_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

function base64Image(mimeType: string, data: string, provider: string): ImageBlockParam {
  if (!MEDIA_TYPES.includes(mimeType)) {
    throw failure(
      'bad_request',
      provider,
      `image type ${mimeType} is not supported (jpeg, png, gif, webp)`,
    );
  }
  return {
    type: 'image',
    source: { type: 'base64', media_type: mimeType as Base64MediaType, data },
  };
}

function toBlock(part: ContentPart, provider: string): ContentBlockParam {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (isImageData(part)) return base64Image(part.mime_type, part.data, provider);
  const inline = parseDataUrl(part.url);
  if (inline) return base64Image(inline.mimeType, inline.data, provider);
  return { type: 'image', source: { type: 'url', url: part.url } };
}

function toMessage(message: ChatMessage, provider: string): MessageParam {
  const role = message.role === 'assistant' ? 'assistant' : 'user';
  if (typeof message.content === 'string') return { role, content: message.content };
  return { role, content: message.content.map((part) => toBlock(part, provider)) };
}

/** The Messages API takes the system prompt as a top-level parameter, never as a message. */
function systemPrompt(messages: ChatMessage[], provider: string): string | undefined {
  const texts = messages
    .filter((m) => m.role === 'system')
    .map((m) => {
      const text = textOnly(m);
      if (text === undefined)
        throw failure('bad_request', provider, 'images are not allowed in system messages');
      return text;
    });
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

/**
 * Structured outputs accept a subset of JSON Schema (every object closed, no numeric or length
 * bounds); the SDK's own transform narrows the schema to it. The full schema is still enforced on
 * the answer afterwards.
 */
function outputSchema(schema: Record<string, unknown>): Record<string, unknown> {
  try {
    return transformJSONSchema(schema);
  } catch {
    // The transform wants a typed root; send such schemas as given and let the API judge them.
    return schema;
  }
}

/**
 * The normalized request as Messages API params. `temperature` is not sent: the 1.x SDK's message
 * params have no sampling parameters any more, and the SDK's types are the contract we follow.
 */
export function toAnthropicParams(
  request: CompletionRequest,
  provider: string,
): MessageCreateParamsNonStreaming {
  const params: MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.max_tokens,
    messages: request.messages
      .filter((m) => m.role !== 'system')
      .map((m) => toMessage(m, provider)),
  };
  const system = systemPrompt(request.messages, provider);
  if (system !== undefined) params.system = system;
  if (request.response_format?.type === 'json_schema') {
    params.output_config = {
      format: { type: 'json_schema', schema: outputSchema(request.response_format.schema) },
    };
  }
  return params;
}
