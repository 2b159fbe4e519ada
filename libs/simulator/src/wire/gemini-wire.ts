import type { IncomingHttpHeaders } from 'node:http';
import type { MalformedKind } from '../scenario-types';
import type {
  InjectedErrorContext,
  SimReply,
  SimRequest,
  SimTool,
  SimToolChoice,
  StreamScript,
  WireFormat,
  WireResponse,
} from './wire-format';
import { joinParts, tallyMessages, type ReadText } from './wire-messages';
import { WireRequestError } from './wire-request-error';
import {
  EVENT_STREAM_HEADERS,
  isRecord,
  jsonResponse,
  malformedResponse,
  malformedStreamResponse,
  randomHex,
  toolArgumentsObject,
  sseFrame,
} from './wire-response';

/** Gemini API generateContent (google.rpc.Status error bodies). */
function geminiError(
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): WireResponse {
  return jsonResponse(code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

function partText(part: unknown, where: string): ReadText {
  if (!isRecord(part)) throw new WireRequestError(`Invalid value at '${where}', must be an object`);
  if (typeof part.text === 'string')
    return { text: part.thought === true ? '' : part.text, images: 0 };
  if (isRecord(part.inlineData)) {
    const { mimeType, data } = part.inlineData;
    if (
      typeof mimeType !== 'string' ||
      typeof data !== 'string' ||
      !/^[A-Za-z0-9+/_-]*={0,2}$/.test(data)
    ) {
      throw new WireRequestError(
        `Invalid value at '${where}.inline_data' (data), Base64 decoding failed`,
      );
    }
    return { text: '', images: 1 };
  }
  if (isRecord(part.fileData)) {
    if (typeof part.fileData.fileUri !== 'string')
      throw new WireRequestError(`* ${where}.file_data.file_uri: file_uri is required`);
    return { text: '', images: 1 };
  }
  if (isRecord(part.functionCall) || isRecord(part.functionResponse))
    return { text: JSON.stringify(part), images: 0 };
  throw new WireRequestError(
    `* ${where}: required oneof field 'data' must have one initialized field`,
  );
}

function contentText(content: unknown, where: string): ReadText {
  if (!isRecord(content) || !Array.isArray(content.parts))
    throw new WireRequestError(`* ${where}.parts: contents.parts must not be empty.`);
  return joinParts(content.parts, (part, i) => partText(part, `${where}.parts[${i}]`));
}

function parseSchema(config: unknown): Record<string, unknown> | undefined {
  if (!isRecord(config)) return undefined;
  const schema =
    config.responseJsonSchema ??
    config.response_json_schema ??
    config.responseSchema ??
    config.response_schema;
  if (isRecord(schema)) return schema;
  return config.responseMimeType === 'application/json' ? { type: 'object' } : undefined;
}

function parseTools(tools: unknown): SimTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw new WireRequestError("Invalid value at 'tools', must be a list");
  const declared: SimTool[] = [];
  tools.forEach((tool, i) => {
    const declarations = isRecord(tool)
      ? (tool.functionDeclarations ?? tool.function_declarations)
      : undefined;
    if (!Array.isArray(declarations)) return;
    declarations.forEach((fn, j) => {
      if (!isRecord(fn) || typeof fn.name !== 'string' || fn.name === '')
        throw new WireRequestError(
          `* GenerateContentRequest.tools[${i}].function_declarations[${j}].name: Invalid function name.`,
        );
      const schema = fn.parametersJsonSchema ?? fn.parameters_json_schema ?? fn.parameters;
      declared.push({ name: fn.name, schema: isRecord(schema) ? schema : {} });
    });
  });
  return declared.length > 0 ? declared : undefined;
}

function parseToolConfig(config: unknown, tools: SimTool[] | undefined): SimToolChoice | undefined {
  const calling = isRecord(config)
    ? (config.functionCallingConfig ?? config.function_calling_config)
    : undefined;
  if (!isRecord(calling)) return undefined;
  const allowed = calling.allowedFunctionNames ?? calling.allowed_function_names;
  switch (calling.mode) {
    case undefined:
    case 'AUTO':
      return 'auto';
    case 'NONE':
      return 'none';
    case 'ANY':
    case 'VALIDATED':
      if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === 'string') {
        if (!tools?.some((t) => t.name === allowed[0]))
          throw new WireRequestError(
            `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function ${allowed[0]} is not declared.`,
          );
        return { name: allowed[0] };
      }
      return 'required';
    default:
      throw new WireRequestError(
        `Invalid value at 'tool_config.function_calling_config.mode' (${String(calling.mode)})`,
      );
  }
}

function partsOf(content: unknown): Record<string, unknown>[] {
  return isRecord(content) && Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
}

/**
 * A turn of function responses must follow the model turn of function calls and answer each of
 * them, as the API checks (by name and count: Gemini calls carry no ids). Returns the text of the
 * responses the conversation ends with.
 */
function checkFunctionResponses(contents: unknown[]): string | undefined {
  let previousCalls: string[] = [];
  let trailing: string | undefined;
  contents.forEach((content, i) => {
    const parts = partsOf(content);
    const responses = parts.map((p) => p.functionResponse).filter(isRecord);
    if (responses.length > 0) {
      const names = responses.map((r) => String(r.name)).sort();
      if (names.join(',') !== [...previousCalls].sort().join(','))
        throw new WireRequestError(
          `Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn (contents[${i}]: responses ${names.join(', ')} for calls ${previousCalls.join(', ') || 'none'}).`,
        );
    }
    previousCalls = parts
      .map((p) => p.functionCall)
      .filter(isRecord)
      .map((c) => String(c.name));
    trailing =
      responses.length > 0 && responses.length === parts.length
        ? responses.map((r) => JSON.stringify(r.response ?? {})).join('\n')
        : undefined;
  });
  return trailing;
}

const SAFETY_BLOCK = [
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
];

export const geminiWire: WireFormat = {
  api: 'gemini',
  defaultProvider: 'google',

  credentials(headers: IncomingHttpHeaders, url: URL) {
    const header = headers['x-goog-api-key'];
    if (typeof header === 'string' && header !== '')
      return { header: 'x-goog-api-key', key: header };
    const query = url.searchParams.get('key');
    return query ? { header: 'key', key: query } : undefined;
  },

  loggedHeaders() {
    return {};
  },

  parse(body: unknown, pathModel: string | undefined): SimRequest {
    if (!pathModel)
      throw new WireRequestError('* GenerateContentRequest.model: unexpected model name format');
    if (!isRecord(body)) throw new WireRequestError('Invalid JSON payload received.');
    if (!Array.isArray(body.contents) || body.contents.length === 0) {
      throw new WireRequestError('* GenerateContentRequest.contents: contents is not specified');
    }
    const system = body.systemInstruction ?? body.system_instruction;
    const systemChars =
      system === undefined ? 0 : contentText(system, 'system_instruction').text.length;
    const { inputChars, imageCount, lastUserText } = tallyMessages(body.contents, (content, i) => {
      const where = `contents[${i}]`;
      if (
        isRecord(content) &&
        content.role !== undefined &&
        content.role !== 'user' &&
        content.role !== 'model'
      ) {
        throw new WireRequestError(`Please use a valid role: user, model.`);
      }
      return {
        ...contentText(content, where),
        fromUser: !isRecord(content) || content.role !== 'model',
      };
    });
    const config = body.generationConfig ?? body.generation_config;
    const maxTokens = isRecord(config)
      ? (config.maxOutputTokens ?? config.max_output_tokens)
      : undefined;
    const tools = parseTools(body.tools);
    return {
      model: pathModel,
      lastUserText,
      inputChars: systemChars + inputChars + (tools ? JSON.stringify(body.tools).length : 0),
      tools,
      toolChoice: parseToolConfig(body.toolConfig ?? body.tool_config, tools),
      toolResultText: checkFunctionResponses(body.contents),
      imageCount,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      schema: parseSchema(config),
      // Set from the path (streamGenerateContent) by the handler.
      stream: false,
    };
  },

  success(_request: SimRequest, reply: SimReply): WireResponse {
    const candidate =
      reply.finish === 'content_filter'
        ? { finishReason: 'SAFETY', index: 0, safetyRatings: SAFETY_BLOCK }
        : {
            content: {
              parts: reply.toolCalls
                ? reply.toolCalls.map((call) => ({
                    functionCall: {
                      name: call.name,
                      args: toolArgumentsObject(call.argumentsText),
                    },
                  }))
                : [{ text: reply.text }],
              role: 'model',
            },
            finishReason: reply.finish === 'length' ? 'MAX_TOKENS' : 'STOP',
            index: 0,
          };
    return jsonResponse(200, {
      candidates: [candidate],
      usageMetadata: {
        promptTokenCount: reply.inputTokens,
        candidatesTokenCount: reply.outputTokens,
        totalTokenCount: reply.inputTokens + reply.outputTokens,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: reply.inputTokens }],
        ...(reply.cachedInputTokens ? { cachedContentTokenCount: reply.cachedInputTokens } : {}),
      },
      modelVersion: reply.revision,
      responseId: randomHex(11),
    });
  },

  // Gemini frames are CRLF-separated; the last one carries the finishReason with its text.
  successStream(_request: SimRequest, reply: SimReply, pieces: string[]): StreamScript {
    const responseId = randomHex(11);
    const frame = (candidate: Record<string, unknown>, outputTokens: number) =>
      sseFrame(
        {
          candidates: [candidate],
          usageMetadata: {
            promptTokenCount: reply.inputTokens,
            candidatesTokenCount: outputTokens,
            totalTokenCount: reply.inputTokens + outputTokens,
            ...(reply.cachedInputTokens
              ? { cachedContentTokenCount: reply.cachedInputTokens }
              : {}),
          },
          modelVersion: reply.revision,
          responseId,
        },
        undefined,
        '\r\n\r\n',
      );
    const script: StreamScript = {
      status: 200,
      headers: { ...EVENT_STREAM_HEADERS },
      opening: [],
      pieces: [],
      closing: [],
    };
    if (reply.finish === 'content_filter') {
      script.closing.push(
        frame({ finishReason: 'SAFETY', index: 0, safetyRatings: SAFETY_BLOCK }, 0),
      );
      return script;
    }
    const finishReason = reply.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
    if (reply.toolCalls) {
      // Function calls arrive whole, in one frame.
      const parts = reply.toolCalls.map((call) => ({
        functionCall: { name: call.name, args: toolArgumentsObject(call.argumentsText) },
      }));
      script.pieces.push(
        frame({ content: { parts, role: 'model' }, finishReason, index: 0 }, reply.outputTokens),
      );
      return script;
    }
    const total = pieces.join('').length || 1;
    let sent = 0;
    script.pieces = pieces.map((piece, i) => {
      sent += piece.length;
      const last = i === pieces.length - 1;
      return frame(
        {
          content: { parts: [{ text: piece }], role: 'model' },
          ...(last ? { finishReason } : {}),
          index: 0,
        },
        last ? reply.outputTokens : Math.round((reply.outputTokens * sent) / total),
      );
    });
    if (pieces.length === 0) {
      script.closing.push(
        frame({ content: { parts: [{ text: '' }], role: 'model' }, finishReason, index: 0 }, 0),
      );
    }
    return script;
  },

  injectedError(
    status: number,
    { model, apiKey, retryAfterMs }: InjectedErrorContext,
  ): WireResponse {
    switch (status) {
      case 400:
        return geminiError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
      // The Gemini API answers a bad key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID.
      case 401:
        return geminiError(
          400,
          'INVALID_ARGUMENT',
          `API key not valid: ${apiKey ?? ''}. Please pass a valid API key.`,
          [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ],
        );
      case 403:
        return geminiError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
      case 404:
        return geminiError(
          404,
          'NOT_FOUND',
          `models/${model} is not found for API version v1beta, or is not supported for generateContent.`,
        );
      case 429:
        return geminiError(
          429,
          'RESOURCE_EXHAUSTED',
          'You exceeded your current quota, please check your plan and billing details.',
          [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [
                {
                  quotaMetric:
                    'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                  quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                },
              ],
            },
            {
              '@type': 'type.googleapis.com/google.rpc.RetryInfo',
              retryDelay: `${retryAfterMs / 1000}s`,
            },
          ],
        );
      case 503:
      case 529:
        return geminiError(
          status,
          'UNAVAILABLE',
          'The model is overloaded. Please try again later.',
        );
      case 504:
        return geminiError(
          504,
          'DEADLINE_EXCEEDED',
          'Deadline expired before operation could complete.',
        );
      default:
        return geminiError(
          status,
          'INTERNAL',
          'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        );
    }
  },

  missingKey(): WireResponse {
    return geminiError(
      401,
      'UNAUTHENTICATED',
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  },

  badRequest(message: string): WireResponse {
    return geminiError(400, 'INVALID_ARGUMENT', message);
  },

  contextExceeded(_model: string, inputTokens: number, window: number): WireResponse {
    return geminiError(
      400,
      'INVALID_ARGUMENT',
      `The input token count (${inputTokens}) exceeds the maximum number of tokens allowed (${window}).`,
    );
  },

  malformed(kind: MalformedKind): WireResponse {
    return malformedResponse(kind, `{"candidates":[{"content":{"parts":[{"text":"trunc`);
  },

  malformedStream(kind: MalformedKind): WireResponse {
    return malformedStreamResponse(
      kind,
      'data: {"candidates":[{"content":{"parts":[{"text":"trunc\r\n\r\n',
    );
  },
};
