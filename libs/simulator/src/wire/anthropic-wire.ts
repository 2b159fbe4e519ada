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
import { streamPieces } from './stream-pieces';
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

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Anthropic Messages API. */
function anthropicError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): WireResponse {
  return jsonResponse(
    status,
    { type: 'error', error: { type, message } },
    { 'request-id': `req_sim${randomHex(12)}`, ...headers },
  );
}

function blockText(block: Record<string, unknown>, where: string): ReadText {
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string')
        throw new WireRequestError(`${where}.text: Field required`);
      return { text: block.text, images: 0 };
    case 'image': {
      const source = block.source;
      if (!isRecord(source)) throw new WireRequestError(`${where}.source: Field required`);
      if (source.type === 'base64') {
        if (
          typeof source.media_type !== 'string' ||
          !IMAGE_MEDIA_TYPES.includes(source.media_type)
        ) {
          throw new WireRequestError(
            `${where}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`,
          );
        }
        if (typeof source.data !== 'string' || !BASE64.test(source.data)) {
          throw new WireRequestError(
            `${where}.source.base64.data: The image data is not valid base64.`,
          );
        }
      } else if (source.type === 'url') {
        if (typeof source.url !== 'string' || !/^https?:\/\//.test(source.url)) {
          throw new WireRequestError(`${where}.source.url.url: Input should be a valid URL`);
        }
      } else
        throw new WireRequestError(
          `${where}.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url'`,
        );
      return { text: '', images: 1 };
    }
    case 'tool_use':
      return { text: JSON.stringify(block.input ?? {}), images: 0 };
    case 'tool_result':
      return {
        text:
          typeof block.content === 'string' ? block.content : JSON.stringify(block.content ?? ''),
        images: 0,
      };
    default:
      throw new WireRequestError(
        `${where}: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags`,
      );
  }
}

function contentText(content: unknown, where: string): ReadText {
  if (typeof content === 'string') return { text: content, images: 0 };
  if (!Array.isArray(content))
    throw new WireRequestError(`${where}.content: Input should be a valid list`);
  return joinParts(content, (block, i) => {
    if (!isRecord(block))
      throw new WireRequestError(`${where}.content.${i}: Input should be an object`);
    return blockText(block, `${where}.content.${i}`);
  });
}

function systemText(system: unknown): string {
  if (system === undefined) return '';
  if (typeof system === 'string') return system;
  if (Array.isArray(system))
    return system.map((b) => (isRecord(b) && typeof b.text === 'string' ? b.text : '')).join('\n');
  throw new WireRequestError('system: Input should be a valid string or list');
}

function parseOutputSchema(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const config = isRecord(body.output_config) ? body.output_config.format : body.output_format;
  if (config === undefined || config === null) return undefined;
  if (!isRecord(config) || config.type !== 'json_schema' || !isRecord(config.schema)) {
    throw new WireRequestError(
      'output_config.format: expected {"type": "json_schema", "schema": {...}}',
    );
  }
  return config.schema;
}

function parseTools(tools: unknown): SimTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw new WireRequestError('tools: Input should be a valid list');
  return tools.map((tool, i) => {
    if (
      !isRecord(tool) ||
      typeof tool.name !== 'string' ||
      !/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name)
    )
      throw new WireRequestError(
        `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`,
      );
    if (!isRecord(tool.input_schema) || tool.input_schema.type !== 'object')
      throw new WireRequestError(`tools.${i}.custom.input_schema.type: Input should be 'object'`);
    return { name: tool.name, schema: tool.input_schema };
  });
}

function parseToolChoice(choice: unknown, tools: SimTool[] | undefined): SimToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (!isRecord(choice)) throw new WireRequestError('tool_choice: Input should be an object');
  switch (choice.type) {
    case 'auto':
    case 'none':
      return choice.type;
    case 'any':
      return 'required';
    case 'tool':
      if (typeof choice.name !== 'string' || !tools?.some((t) => t.name === choice.name))
        throw new WireRequestError(
          `tool_choice: Tool '${String(choice.name)}' not found in 'tools'`,
        );
      return { name: choice.name };
    default:
      throw new WireRequestError(
        `tool_choice: Input tag '${String(choice.type)}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`,
      );
  }
}

function blocksOf(message: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(message.content) ? message.content.filter(isRecord) : [];
}

/**
 * Every tool_result must answer a tool_use of the assistant message right before it, and a
 * conversation with tool blocks must define tools, as the API checks. Returns the text of the
 * results the conversation ends with.
 */
function checkToolResults(messages: unknown[], tools: SimTool[] | undefined): string | undefined {
  let previousUses = new Set<string>();
  let trailing: string | undefined;
  messages.forEach((message, i) => {
    if (!isRecord(message)) return;
    const blocks = blocksOf(message);
    const results = blocks.filter((b) => b.type === 'tool_result');
    if ((results.length > 0 || blocks.some((b) => b.type === 'tool_use')) && !tools?.length)
      throw new WireRequestError(
        'Requests which include `tool_use` or `tool_result` blocks must define tools.',
      );
    for (const result of results) {
      if (typeof result.tool_use_id !== 'string' || !previousUses.has(result.tool_use_id))
        throw new WireRequestError(
          `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(result.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
    }
    previousUses = new Set(
      blocks
        .filter((b) => b.type === 'tool_use' && typeof b.id === 'string')
        .map((b) => b.id as string),
    );
    trailing =
      message.role === 'user' && results.length > 0 && results.length === blocks.length
        ? results.map((r) => blockText(r, '').text).join('\n')
        : undefined;
  });
  return trailing;
}

export const anthropicWire: WireFormat = {
  api: 'anthropic',
  defaultProvider: 'anthropic',

  // The API takes x-api-key; SDK 1.x sends the key as a Bearer token, which the API also accepts.
  credentials(headers: IncomingHttpHeaders) {
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey !== '') return { header: 'x-api-key', key: apiKey };
    const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
    return match ? { header: 'authorization', key: match[1].trim() } : undefined;
  },

  loggedHeaders(headers: IncomingHttpHeaders) {
    const out: Record<string, string> = {};
    for (const name of ['anthropic-version', 'anthropic-beta']) {
      const value = headers[name];
      if (typeof value === 'string') out[name] = value;
    }
    return out;
  },

  parse(body: unknown, _pathModel: string | undefined, headers: IncomingHttpHeaders): SimRequest {
    if (typeof headers['anthropic-version'] !== 'string')
      throw new WireRequestError('anthropic-version: header is required');
    if (!isRecord(body)) throw new WireRequestError('Request body must be a JSON object');
    if (typeof body.model !== 'string' || body.model === '')
      throw new WireRequestError('model: Field required');
    if (
      typeof body.max_tokens !== 'number' ||
      !Number.isInteger(body.max_tokens) ||
      body.max_tokens < 0
    ) {
      throw new WireRequestError('max_tokens: Field required');
    }
    if (!Array.isArray(body.messages)) throw new WireRequestError('messages: Field required');
    const system = systemText(body.system);
    const { inputChars, imageCount, lastUserText } = tallyMessages(body.messages, (message, i) => {
      const where = `messages.${i}`;
      if (!isRecord(message)) throw new WireRequestError(`${where}: Input should be an object`);
      if (message.role !== 'user' && message.role !== 'assistant') {
        throw new WireRequestError(
          `${where}: Unexpected role "${String(message.role)}". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`,
        );
      }
      return { ...contentText(message.content, where), fromUser: message.role === 'user' };
    });
    const tools = parseTools(body.tools);
    const toolChars = tools ? JSON.stringify(body.tools).length : 0;
    return {
      model: body.model,
      lastUserText,
      inputChars: system.length + inputChars + toolChars,
      imageCount,
      maxTokens: body.max_tokens,
      schema: parseOutputSchema(body),
      tools,
      toolChoice: parseToolChoice(body.tool_choice, tools),
      toolResultText: checkToolResults(body.messages, tools),
      stream: body.stream === true,
    };
  },

  success(_request: SimRequest, reply: SimReply): WireResponse {
    let content: unknown[];
    let stopReason: string;
    if (reply.finish === 'content_filter') {
      content = [];
      stopReason = 'refusal';
    } else if (reply.toolCalls) {
      content = reply.toolCalls.map((call) => ({
        type: 'tool_use',
        id: `toolu_sim${randomHex(10)}`,
        name: call.name,
        input: toolArgumentsObject(call.argumentsText),
      }));
      stopReason = 'tool_use';
    } else {
      content = [{ type: 'text', text: reply.text }];
      stopReason = reply.finish === 'length' ? 'max_tokens' : 'end_turn';
    }
    const body = {
      id: `msg_sim${randomHex(12)}`,
      type: 'message',
      role: 'assistant',
      model: reply.revision,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details:
        reply.finish === 'content_filter'
          ? { type: 'refusal', category: 'general_harms', explanation: 'Simulated refusal.' }
          : null,
      usage: {
        ...anthropicInputUsage(reply),
        output_tokens: reply.outputTokens,
        service_tier: 'standard',
      },
    };
    const reset = new Date(Date.now() + 60_000).toISOString();
    return jsonResponse(200, body, {
      'request-id': `req_sim${randomHex(12)}`,
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3999',
      'anthropic-ratelimit-requests-reset': reset,
      'anthropic-ratelimit-input-tokens-limit': '2000000',
      'anthropic-ratelimit-input-tokens-remaining': String(2000000 - reply.inputTokens),
      'anthropic-ratelimit-input-tokens-reset': reset,
    });
  },

  successStream(_request: SimRequest, reply: SimReply, pieces: string[]): StreamScript {
    const usage = {
      ...anthropicInputUsage(reply),
      output_tokens: 1,
      service_tier: 'standard',
    };
    const opening = [
      sseFrame(
        {
          type: 'message_start',
          message: {
            id: `msg_sim${randomHex(12)}`,
            type: 'message',
            role: 'assistant',
            model: reply.revision,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage,
          },
        },
        'message_start',
      ),
      sseFrame({ type: 'ping' }, 'ping'),
    ];
    // A tool_use block: its start, its input_json_delta pieces and its stop all count as pieces.
    const streamed: string[] = [];
    const block = (
      index: number,
      start: Record<string, unknown>,
      deltas: Record<string, unknown>[],
    ) => {
      streamed.push(
        sseFrame(
          { type: 'content_block_start', index, content_block: start },
          'content_block_start',
        ),
        ...deltas.map((delta) =>
          sseFrame({ type: 'content_block_delta', index, delta }, 'content_block_delta'),
        ),
        sseFrame({ type: 'content_block_stop', index }, 'content_block_stop'),
      );
    };
    let stopReason: string;
    let textBlockOpen = false;
    if (reply.finish === 'content_filter') {
      stopReason = 'refusal';
    } else if (reply.toolCalls) {
      reply.toolCalls.forEach((call, index) =>
        block(
          index,
          { type: 'tool_use', id: `toolu_sim${randomHex(10)}`, name: call.name, input: {} },
          streamPieces(JSON.stringify(toolArgumentsObject(call.argumentsText))).map((piece) => ({
            type: 'input_json_delta',
            partial_json: piece,
          })),
        ),
      );
      stopReason = 'tool_use';
    } else {
      // One text block: its start opens the stream and its stop closes it, so the pieces the
      // stream faults count are the text deltas alone.
      opening.push(
        sseFrame(
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          'content_block_start',
        ),
      );
      streamed.push(
        ...pieces.map((piece) =>
          sseFrame(
            { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
            'content_block_delta',
          ),
        ),
      );
      textBlockOpen = true;
      stopReason = reply.finish === 'length' ? 'max_tokens' : 'end_turn';
    }
    const closing = [
      ...(textBlockOpen
        ? [sseFrame({ type: 'content_block_stop', index: 0 }, 'content_block_stop')]
        : []),
      sseFrame(
        {
          type: 'message_delta',
          delta: { stop_reason: stopReason, stop_sequence: null },
          usage: { output_tokens: reply.outputTokens },
        },
        'message_delta',
      ),
      sseFrame({ type: 'message_stop' }, 'message_stop'),
    ];
    return {
      status: 200,
      headers: { ...EVENT_STREAM_HEADERS, 'request-id': `req_sim${randomHex(12)}` },
      opening,
      pieces: streamed,
      closing,
    };
  },

  injectedError(
    status: number,
    { model, apiKey, retryAfterMs }: InjectedErrorContext,
  ): WireResponse {
    switch (status) {
      case 400:
        return anthropicError(400, 'invalid_request_error', 'Invalid request (simulated fault).');
      case 401:
        return anthropicError(401, 'authentication_error', `invalid x-api-key: ${apiKey ?? ''}`);
      case 403:
        return anthropicError(
          403,
          'permission_error',
          'Your API key does not have permission to use the specified resource.',
        );
      case 404:
        return anthropicError(404, 'not_found_error', `model: ${model}`);
      case 429: {
        const reset = new Date(Date.now() + retryAfterMs).toISOString();
        return anthropicError(
          429,
          'rate_limit_error',
          'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
          {
            'retry-after': String(Math.ceil(retryAfterMs / 1000)),
            'anthropic-ratelimit-requests-limit': '50',
            'anthropic-ratelimit-requests-remaining': '0',
            'anthropic-ratelimit-requests-reset': reset,
          },
        );
      }
      case 529:
        return anthropicError(529, 'overloaded_error', 'Overloaded');
      case 504:
        return anthropicError(504, 'timeout_error', 'Request timed out');
      default:
        return anthropicError(status, 'api_error', 'Internal server error');
    }
  },

  missingKey(): WireResponse {
    return anthropicError(401, 'authentication_error', 'x-api-key header is required');
  },

  badRequest(message: string): WireResponse {
    return anthropicError(400, 'invalid_request_error', message);
  },

  contextExceeded(_model: string, inputTokens: number, window: number): WireResponse {
    return anthropicError(
      400,
      'invalid_request_error',
      `prompt is too long: ${inputTokens} tokens > ${window} maximum`,
    );
  },

  malformed(kind: MalformedKind): WireResponse {
    return malformedResponse(
      kind,
      '{"id":"msg_sim","type":"message","role":"assistant","content":[{"type":"te',
    );
  },

  malformedStream(kind: MalformedKind): WireResponse {
    return malformedStreamResponse(
      kind,
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_sim","ty\n\n',
      'message_start',
    );
  },
};

/** Anthropic counts cache reads and writes apart from input_tokens, which is only the rest. */
function anthropicInputUsage(reply: SimReply): Record<string, number> {
  const read = reply.cachedInputTokens ?? 0;
  const written = reply.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: reply.inputTokens - read - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
  };
}
