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
import { tallyMessages, type ReadText } from './wire-messages';
import { streamPieces } from './stream-pieces';
import { WireRequestError } from './wire-request-error';
import {
  EVENT_STREAM_HEADERS,
  fingerprintFor,
  isRecord,
  jsonResponse,
  malformedResponse,
  malformedStreamResponse,
  randomHex,
  sseFrame,
} from './wire-response';

/** OpenAI chat completions (also what Groq, Mistral, Perplexity and Ollama speak). */
function openAiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers: Record<string, string> = {},
  param: string | null = null,
): WireResponse {
  return jsonResponse(
    status,
    { error: { message, type, param, code } },
    { 'x-request-id': `req_${randomHex(16)}`, ...headers },
  );
}

function partsText(content: unknown, where: string): ReadText {
  if (typeof content === 'string') return { text: content, images: 0 };
  if (content === null || content === undefined) return { text: '', images: 0 };
  if (!Array.isArray(content))
    throw new WireRequestError(
      `Invalid type for '${where}.content': expected a string or an array.`,
    );
  const texts: string[] = [];
  let images = 0;
  content.forEach((part, i) => {
    if (!isRecord(part)) throw new WireRequestError(`Invalid type for '${where}.content[${i}]'.`);
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (
      part.type === 'image_url' &&
      isRecord(part.image_url) &&
      typeof part.image_url.url === 'string'
    ) {
      const url = part.image_url.url;
      if (!/^(https?:\/\/|data:image\/[a-z+.-]+;base64,)/i.test(url)) {
        throw new WireRequestError(
          `Invalid image URL: '${where}.content[${i}].image_url.url'. Expected a valid URL or base64-encoded data URL.`,
        );
      }
      images += 1;
    } else if (part.type === 'refusal' && typeof part.refusal === 'string')
      texts.push(part.refusal);
    else throw new WireRequestError(`Invalid value for '${where}.content[${i}].type'.`);
  });
  return { text: texts.join('\n'), images };
}

function parseSchema(format: unknown): Record<string, unknown> | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) throw new WireRequestError("Invalid type for 'response_format'.");
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'object' };
  if (format.type === 'json_schema') {
    const spec = format.json_schema;
    if (!isRecord(spec) || typeof spec.name !== 'string') {
      throw new WireRequestError("Missing required parameter: 'response_format.json_schema.name'.");
    }
    return isRecord(spec.schema) ? spec.schema : {};
  }
  throw new WireRequestError("Invalid value for 'response_format.type'.");
}

function parseTools(tools: unknown): SimTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools))
    throw new WireRequestError("Invalid type for 'tools': expected an array.");
  return tools.map((tool, i) => {
    const fn = isRecord(tool) ? tool.function : undefined;
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(fn))
      throw new WireRequestError(`Missing required parameter: 'tools[${i}].function'.`);
    if (typeof fn.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(fn.name))
      throw new WireRequestError(
        `Invalid 'tools[${i}].function.name': string does not match pattern.`,
      );
    return { name: fn.name, schema: isRecord(fn.parameters) ? fn.parameters : {} };
  });
}

function parseToolChoice(choice: unknown, tools: SimTool[] | undefined): SimToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    if (choice !== 'none' && !tools?.length)
      throw new WireRequestError(
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      );
    return choice;
  }
  const fn = isRecord(choice) ? choice.function : undefined;
  if (
    !isRecord(choice) ||
    choice.type !== 'function' ||
    !isRecord(fn) ||
    typeof fn.name !== 'string'
  )
    throw new WireRequestError("Invalid value for 'tool_choice'.");
  if (!tools?.some((t) => t.name === fn.name))
    throw new WireRequestError(
      `Invalid value for 'tool_choice': no function named '${fn.name}' was specified in 'tools'.`,
    );
  return { name: fn.name };
}

/**
 * Tool messages must answer a call of the assistant message before them, as the API checks; the
 * text of the results the conversation ends with is what the model answers next.
 */
function checkToolMessages(messages: unknown[]): string | undefined {
  let open = new Set<string>();
  let trailing: string[] = [];
  messages.forEach((message, i) => {
    if (!isRecord(message)) return;
    if (message.role === 'tool') {
      if (typeof message.tool_call_id !== 'string')
        throw new WireRequestError(`Missing required parameter: 'messages[${i}].tool_call_id'.`);
      if (!open.has(message.tool_call_id))
        throw new WireRequestError(
          `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. No tool call with id '${message.tool_call_id}' (messages[${i}]).`,
        );
      trailing.push(partsText(message.content, `messages[${i}]`).text);
      return;
    }
    trailing = [];
    open = new Set();
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      message.tool_calls.forEach((call, j) => {
        if (!isRecord(call) || typeof call.id !== 'string' || !isRecord(call.function))
          throw new WireRequestError(
            `Missing required parameter: 'messages[${i}].tool_calls[${j}].id'.`,
          );
        open.add(call.id);
      });
    }
  });
  return trailing.length > 0 ? trailing.join('\n') : undefined;
}

function finishReason(reply: SimReply): string {
  if (reply.toolCalls) return 'tool_calls';
  return reply.finish === 'length'
    ? 'length'
    : reply.finish === 'content_filter'
      ? 'content_filter'
      : 'stop';
}

function usageOf(reply: SimReply): Record<string, unknown> {
  return {
    prompt_tokens: reply.inputTokens,
    completion_tokens: reply.outputTokens,
    total_tokens: reply.inputTokens + reply.outputTokens,
    prompt_tokens_details: { cached_tokens: reply.cachedInputTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function successHeaders(reply: SimReply): Record<string, string> {
  return {
    'x-request-id': `req_${randomHex(16)}`,
    'openai-version': '2020-10-01',
    'openai-processing-ms': '1',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-limit-tokens': '10000000',
    'x-ratelimit-remaining-tokens': String(10000000 - reply.inputTokens),
    'x-ratelimit-reset-tokens': '0s',
  };
}

export const openAiWire: WireFormat = {
  api: 'openai',
  defaultProvider: 'openai',

  credentials(headers: IncomingHttpHeaders) {
    const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
    return match ? { header: 'authorization', key: match[1].trim() } : undefined;
  },

  loggedHeaders() {
    return {};
  },

  parse(body: unknown): SimRequest {
    if (!isRecord(body))
      throw new WireRequestError('We could not parse the JSON body of your request.');
    if (typeof body.model !== 'string' || body.model === '') {
      throw new WireRequestError('you must provide a model parameter');
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      throw new WireRequestError(
        "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      );
    }
    const stream = body.stream === true;
    if (body.stream_options !== undefined && body.stream_options !== null && !stream) {
      throw new WireRequestError(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      );
    }
    const { inputChars, imageCount, lastUserText } = tallyMessages(body.messages, (message, i) => {
      const where = `messages[${i}]`;
      if (!isRecord(message) || typeof message.role !== 'string')
        throw new WireRequestError(`Invalid type for '${where}'.`);
      if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(message.role)) {
        throw new WireRequestError(
          `Invalid value: '${message.role}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.`,
        );
      }
      return { ...partsText(message.content, where), fromUser: message.role === 'user' };
    });
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const tools = parseTools(body.tools);
    return {
      model: body.model,
      lastUserText,
      inputChars: inputChars + (tools ? JSON.stringify(body.tools).length : 0),
      tools,
      toolChoice: parseToolChoice(body.tool_choice, tools),
      toolResultText: checkToolMessages(body.messages),
      imageCount,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      schema: parseSchema(body.response_format),
      stream,
      includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
    };
  },

  success(request: SimRequest, reply: SimReply): WireResponse {
    const finish = finishReason(reply);
    const body = {
      id: `chatcmpl-sim${randomHex(12)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: reply.revision,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: reply.finish === 'content_filter' || reply.toolCalls ? null : reply.text,
            ...(reply.toolCalls && {
              tool_calls: reply.toolCalls.map((call) => ({
                id: `call_${randomHex(12)}`,
                type: 'function',
                function: { name: call.name, arguments: call.argumentsText },
              })),
            }),
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      ...(reply.omitUsage ? {} : { usage: usageOf(reply) }),
      service_tier: 'default',
      system_fingerprint: fingerprintFor(reply.revision),
    };
    return jsonResponse(200, body, successHeaders(reply));
  },

  successStream(request: SimRequest, reply: SimReply, pieces: string[]): StreamScript {
    const base = {
      id: `chatcmpl-sim${randomHex(12)}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: reply.revision,
      service_tier: 'default',
      system_fingerprint: fingerprintFor(reply.revision),
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      sseFrame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    const closing = [chunk({}, finishReason(reply))];
    if (request.includeUsage && !reply.omitUsage)
      closing.push(sseFrame({ ...base, choices: [], usage: usageOf(reply) }));
    closing.push(sseFrame('[DONE]'));
    // A tool call streams as its id and name, then its arguments in fragments.
    const toolCallPieces = (reply.toolCalls ?? []).flatMap((call, index) => [
      chunk({
        tool_calls: [
          {
            index,
            id: `call_${randomHex(12)}`,
            type: 'function',
            function: { name: call.name, arguments: '' },
          },
        ],
      }),
      ...streamPieces(call.argumentsText).map((fragment) =>
        chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }),
      ),
    ]);
    return {
      status: 200,
      headers: { ...EVENT_STREAM_HEADERS, ...successHeaders(reply) },
      opening: [chunk({ role: 'assistant', content: reply.toolCalls ? null : '', refusal: null })],
      pieces: reply.toolCalls
        ? toolCallPieces
        : reply.finish === 'content_filter'
          ? []
          : pieces.map((piece) => chunk({ content: piece })),
      closing,
    };
  },

  injectedError(
    status: number,
    { model, apiKey, retryAfterMs }: InjectedErrorContext,
  ): WireResponse {
    switch (status) {
      case 400:
        return openAiError(
          400,
          'Invalid request (simulated fault).',
          'invalid_request_error',
          null,
        );
      case 401:
        return openAiError(
          401,
          `Incorrect API key provided: ${apiKey ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          'invalid_request_error',
          'invalid_api_key',
        );
      case 403:
        return openAiError(
          403,
          'Country, region, or territory not supported',
          'request_forbidden',
          'unsupported_country_region_territory',
        );
      case 404:
        return openAiError(
          404,
          `The model \`${model}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found',
        );
      case 429:
        return openAiError(
          429,
          `Rate limit reached for ${model} in organization org-simulator on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${retryAfterMs}ms.`,
          'requests',
          'rate_limit_exceeded',
          {
            'retry-after': String(Math.ceil(retryAfterMs / 1000)),
            'retry-after-ms': String(retryAfterMs),
            'x-ratelimit-limit-requests': '500',
            'x-ratelimit-remaining-requests': '0',
            'x-ratelimit-reset-requests': `${retryAfterMs}ms`,
            'x-ratelimit-limit-tokens': '200000',
            'x-ratelimit-remaining-tokens': '199000',
            'x-ratelimit-reset-tokens': '300ms',
          },
        );
      case 503:
        return openAiError(503, 'The server is overloaded or not ready yet.', 'server_error', null);
      case 529:
        return openAiError(
          529,
          'The engine is currently overloaded, please try again later.',
          'server_error',
          null,
        );
      default:
        return openAiError(
          status,
          'The server had an error while processing your request. Sorry about that!',
          'server_error',
          null,
        );
    }
  },

  missingKey(): WireResponse {
    return openAiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
      null,
    );
  },

  badRequest(message: string): WireResponse {
    return openAiError(400, message, 'invalid_request_error', null);
  },

  contextExceeded(_model: string, inputTokens: number, window: number): WireResponse {
    return openAiError(
      400,
      `This model's maximum context length is ${window} tokens. However, your messages resulted in ${inputTokens} tokens. Please reduce the length of the messages.`,
      'invalid_request_error',
      'context_length_exceeded',
      {},
      'messages',
    );
  },

  malformed(kind: MalformedKind): WireResponse {
    return malformedResponse(
      kind,
      '{"id":"chatcmpl-sim","object":"chat.completion","choices":[{"index":0,"mess',
    );
  },

  malformedStream(kind: MalformedKind): WireResponse {
    return malformedStreamResponse(
      kind,
      'data: {"id":"chatcmpl-sim","object":"chat.completion.chunk","choices":[{"index":0,"del\n\n',
    );
  },
};
