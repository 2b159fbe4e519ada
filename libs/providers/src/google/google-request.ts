import {
  FunctionCallingConfigMode,
  type Content,
  type FunctionDeclaration,
  type GenerateContentConfig,
  type GenerateContentParameters,
  type Part,
  type ToolConfig,
} from '@google/genai';
import type {
  ChatMessage,
  CompletionRequest,
  ContentPart,
  ToolChoice,
  ToolDefinition,
} from '../provider.types';
import { failure } from '../shared/failure';
import {
  guessImageMime,
  isImageData,
  parseDataUrl,
  partsOf,
  textOnly,
} from '../shared/message-content';
import { groupToolResults, toolCallsById, toolResultText } from '../shared/tool-calls';

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

/**
 * Gemini has no call ids: a call goes back as a functionCall part by name, its result as a
 * functionResponse part by name, in the order the calls were made. The ids Switchyard hands out
 * (Gemini's stable generated ones, or another provider's after a fallback) stay on our side.
 */
function toContent(message: ChatMessage): Content {
  const parts = partsOf(message)
    .filter((part) => part.type !== 'text' || part.text !== '')
    .map(toPart);
  for (const call of message.tool_calls ?? []) {
    parts.push({ functionCall: { name: call.name, args: call.arguments } });
  }
  return { role: message.role === 'assistant' ? 'model' : 'user', parts };
}

/** The response object of a functionResponse: a JSON object result as is, anything else wrapped. */
function toolResponse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    return { result: value };
  } catch {
    return { result: text };
  }
}

/** A run of tool messages is one user turn of functionResponse parts, named after their calls. */
function toFunctionResponses(
  results: readonly ChatMessage[],
  calls: ReadonlyMap<string, { name: string }>,
  provider: string,
): Content {
  return {
    role: 'user',
    parts: results.map((result): Part => {
      const call = calls.get(result.tool_call_id ?? '');
      if (!call)
        throw failure(
          'bad_request',
          provider,
          `tool result ${result.tool_call_id ?? ''} answers no earlier tool call`,
        );
      return {
        functionResponse: { name: call.name, response: toolResponse(toolResultText(result)) },
      };
    }),
  };
}

function toContents(messages: readonly ChatMessage[], provider: string): Content[] {
  const calls = toolCallsById(messages);
  return groupToolResults(messages.filter((m) => m.role !== 'system')).map((group) =>
    group[0].role === 'tool' ? toFunctionResponses(group, calls, provider) : toContent(group[0]),
  );
}

/** parametersJsonSchema takes a JSON Schema as is (`parameters` takes Gemini's OpenAPI subset). */
export function toGoogleFunctionDeclarations(
  tools: readonly ToolDefinition[],
): FunctionDeclaration[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    parametersJsonSchema: tool.parameters,
  }));
}

export function toGoogleToolConfig(choice: ToolChoice): ToolConfig {
  if (choice === 'auto') return { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } };
  if (choice === 'none') return { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } };
  if (choice === 'required')
    return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } };
  return {
    functionCallingConfig: {
      mode: FunctionCallingConfigMode.ANY,
      allowedFunctionNames: [choice.name],
    },
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
  if (request.tools?.length) {
    config.tools = [{ functionDeclarations: toGoogleFunctionDeclarations(request.tools) }];
    if (request.tool_choice !== undefined)
      config.toolConfig = toGoogleToolConfig(request.tool_choice);
  }
  return {
    model: request.model,
    contents: toContents(request.messages, provider),
    config,
  };
}
