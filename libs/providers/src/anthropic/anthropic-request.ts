import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import type {
  ChatMessage,
  CompletionRequest,
  ContentPart,
  ToolChoice,
  ToolDefinition,
} from '../provider.types';
import { failure } from '../shared/failure';
import { IMAGE_TYPES_BY_KIND } from '../shared/image-types';
import { isImageData, parseDataUrl, textOnly } from '../shared/message-content';
import { groupToolResults, toolResultText } from '../shared/tool-calls';

type Base64MediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
// The planner skips Anthropic for other types; this guards a plan made under an older table.
const MEDIA_TYPES = IMAGE_TYPES_BY_KIND.anthropic;

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
  if (message.role === 'assistant' && message.tool_calls?.length) {
    const text = textOnly(message);
    if (text === undefined)
      throw failure('bad_request', provider, 'images are not allowed in assistant messages');
    return {
      role,
      content: [
        // The API rejects empty text blocks.
        ...(text === '' ? [] : [{ type: 'text' as const, text }]),
        ...message.tool_calls.map((call) => ({
          type: 'tool_use' as const,
          id: call.id,
          name: call.name,
          input: call.arguments,
        })),
      ],
    };
  }
  if (typeof message.content === 'string') return { role, content: message.content };
  return { role, content: message.content.map((part) => toBlock(part, provider)) };
}

/** A run of tool messages is one user turn of tool_result blocks, as the API requires. */
function toToolResults(results: readonly ChatMessage[]): MessageParam {
  return {
    role: 'user',
    content: results.map((result) => ({
      type: 'tool_result' as const,
      tool_use_id: result.tool_call_id ?? '',
      content: toolResultText(result),
    })),
  };
}

function toMessages(messages: readonly ChatMessage[], provider: string): MessageParam[] {
  return groupToolResults(messages.filter((m) => m.role !== 'system')).map((group) =>
    group[0].role === 'tool' ? toToolResults(group) : toMessage(group[0], provider),
  );
}

export function toAnthropicTools(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    input_schema: { ...tool.parameters, type: 'object' },
  }));
}

export function toAnthropicToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
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
    messages: toMessages(request.messages, provider),
  };
  if (request.tools?.length) {
    params.tools = toAnthropicTools(request.tools);
    if (request.tool_choice !== undefined)
      params.tool_choice = toAnthropicToolChoice(request.tool_choice);
  }
  const system = systemPrompt(request.messages, provider);
  if (system !== undefined) params.system = system;
  if (request.response_format?.type === 'json_schema') {
    params.output_config = {
      format: { type: 'json_schema', schema: outputSchema(request.response_format.schema) },
    };
  }
  return params;
}
