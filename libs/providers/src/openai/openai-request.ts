import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type {
  ChatMessage,
  CompletionRequest,
  ContentPart,
  ProviderKind,
  ToolChoice,
  ToolDefinition,
} from '../provider.types';
import { failure } from '../shared/failure';
import { isImageData, partsOf, textOnly } from '../shared/message-content';
import { toolResultText } from '../shared/tool-calls';

function toContentPart(part: ContentPart): ChatCompletionContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const url = isImageData(part) ? `data:${part.mime_type};base64,${part.data}` : part.url;
  return { type: 'image_url', image_url: { url } };
}

function toMessage(message: ChatMessage, provider: string): ChatCompletionMessageParam {
  if (message.role === 'user') {
    const content =
      typeof message.content === 'string' ? message.content : partsOf(message).map(toContentPart);
    return { role: 'user', content };
  }
  if (message.role === 'tool') {
    return {
      role: 'tool',
      tool_call_id: message.tool_call_id ?? '',
      content: toolResultText(message),
    };
  }
  const text = textOnly(message);
  if (text === undefined)
    throw failure(
      'bad_request',
      provider,
      `images are only allowed in user messages, not ${message.role}`,
    );
  if (message.role === 'assistant' && message.tool_calls?.length) {
    return {
      role: 'assistant',
      // The API wants null, not '', beside tool calls when the turn had no text.
      content: text === '' ? null : text,
      tool_calls: message.tool_calls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      })),
    };
  }
  return { role: message.role, content: text };
}

export function toOpenAiTools(tools: readonly ToolDefinition[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.parameters,
    },
  }));
}

export function toOpenAiToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string'
    ? choice
    : { type: 'function', function: { name: choice.name } };
}

/**
 * The normalized request as chat.completions params. OpenAI's own API takes
 * max_completion_tokens (reasoning models reject max_tokens); compatible servers (Groq, Mistral,
 * Perplexity, Ollama) still read max_tokens.
 */
export function toOpenAiParams(
  request: CompletionRequest,
  kind: ProviderKind,
  provider: string,
): ChatCompletionCreateParamsNonStreaming {
  const params: ChatCompletionCreateParamsNonStreaming = {
    model: request.model,
    messages: request.messages.map((m) => toMessage(m, provider)),
  };
  if (kind === 'openai') params.max_completion_tokens = request.max_tokens;
  else params.max_tokens = request.max_tokens;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.tools?.length) {
    params.tools = toOpenAiTools(request.tools);
    if (request.tool_choice !== undefined)
      params.tool_choice = toOpenAiToolChoice(request.tool_choice);
  }
  if (request.response_format?.type === 'json_schema') {
    // strict: false — strict mode rejects schemas outside its subset with a 400; the answer is
    // validated against the full schema afterwards either way.
    params.response_format = {
      type: 'json_schema',
      json_schema: { name: 'output', schema: request.response_format.schema, strict: false },
    };
  }
  return params;
}
