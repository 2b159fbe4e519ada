/**
 * POST /v1/chat/completions bodies (OpenAI's Chat Completions request) mapped onto the job API's
 * body (the same `CreateJobDto` that POST /v1/jobs validates), so both routes share one validation,
 * one planning and one submission path. Pure: no I/O, every refusal names the OpenAI `param`.
 *
 * A field is accepted only when every candidate of every task can honour it; the rest answer 400
 * naming the field (never a silent drop). Defaults that ask for nothing (`n: 1`, `logprobs: false`,
 * `presence_penalty: 0`, ...) are accepted, since they change nothing.
 */

export interface OpenAiProblem {
  /** The request field at fault, in OpenAI's dotted form: `messages[1].content[0].image_url.url` */
  param: string;
  message: string;
}

/** The job API body (CreateJobDto's plain shape) a chat completion request becomes. */
export interface JobBodyFromChat {
  task: string;
  messages: Array<Record<string, unknown>>;
  response_format?: { type: 'text' } | { type: 'json_schema'; schema: Record<string, unknown> };
  tools?: Array<{ name: unknown; description?: unknown; parameters: unknown }>;
  tool_choice?: unknown;
  max_tokens?: unknown;
  temperature?: unknown;
  metadata?: Record<string, unknown>;
}

export interface MappedChatRequest {
  job: JobBodyFromChat;
  stream: boolean;
  include_usage: boolean;
  /** Which of the two OpenAI names carried the token limit (so a problem names the one sent) */
  max_tokens_param: 'max_tokens' | 'max_completion_tokens';
}

export type ChatRequestMapping =
  { ok: true; request: MappedChatRequest } | { ok: false; problems: OpenAiProblem[] };

/** Fields mapped onto the job. */
const MAPPED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'response_format',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'stream',
  'stream_options',
  'user',
  'metadata',
]);

/**
 * OpenAI fields accepted only at the value that asks for nothing; any other value is refused
 * because at least one provider kind (or the job API) cannot do it.
 */
const NEUTRAL: Record<string, { accepts: (v: unknown) => boolean; why: string }> = {
  n: { accepts: (v) => v === 1, why: 'only n = 1 is supported: one job makes one answer' },
  logprobs: {
    accepts: (v) => v === false,
    why: 'log probabilities are not offered by every provider (Anthropic has none)',
  },
  presence_penalty: {
    accepts: (v) => v === 0,
    why: 'presence_penalty is not offered by every provider (Anthropic has none)',
  },
  frequency_penalty: {
    accepts: (v) => v === 0,
    why: 'frequency_penalty is not offered by every provider (Anthropic has none)',
  },
  store: {
    accepts: (v) => v === false,
    why: "completions are not stored at OpenAI: the job (GET /v1/jobs/:id) is Switchyard's record",
  },
  modalities: {
    accepts: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
    why: 'only text output is supported',
  },
};

/** Refused whatever their value, with the reason. */
const REFUSED: Record<string, string> = {
  top_logprobs: 'log probabilities are not offered by every provider (Anthropic has none)',
  audio: 'audio output is not supported',
  prediction: 'predicted outputs are an OpenAI-only feature',
  seed: 'a seed is not honoured by every provider (Anthropic has none)',
  logit_bias: 'logit_bias is an OpenAI-only feature',
  stop: 'stop sequences are not supported by the job API',
  top_p: 'top_p is not supported by the job API; use temperature',
  reasoning_effort: 'reasoning_effort is not honoured by every provider',
  verbosity: 'verbosity is an OpenAI-only feature',
  web_search_options: 'web search is not supported',
  service_tier: 'service tiers are chosen by the routing table, not per request',
  prompt_cache_key: 'prompt_cache_key is an OpenAI-only feature',
  safety_identifier: 'safety_identifier is an OpenAI-only feature',
  functions: 'the deprecated functions field is not supported; use tools',
  function_call: 'the deprecated function_call field is not supported; use tool_choice',
};

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const DATA_URI = /^data:([^;,]+);base64,(.*)$/s;

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function mapChatCompletionRequest(body: unknown): ChatRequestMapping {
  const problems: OpenAiProblem[] = [];
  const problem = (param: string, message: string) => problems.push({ param, message });
  if (!isObject(body)) {
    return { ok: false, problems: [{ param: '', message: 'the body must be a JSON object' }] };
  }

  for (const [field, value] of Object.entries(body)) {
    if (value === undefined || MAPPED.has(field)) continue;
    const neutral = NEUTRAL[field];
    if (neutral) {
      if (value !== null && !neutral.accepts(value)) problem(field, neutral.why);
    } else if (REFUSED[field]) {
      if (value !== null) problem(field, REFUSED[field]);
    } else {
      problem(field, `unrecognized request argument "${field}"`);
    }
  }

  if (typeof body.model !== 'string' || body.model === '') {
    problem('model', 'is required: the name of a task of the routing table');
  }

  const stream = body.stream ?? false;
  if (stream !== null && typeof stream !== 'boolean') problem('stream', 'must be a boolean');
  let includeUsage = false;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (stream !== true) {
      problem('stream_options', 'is only allowed when stream is true');
    } else if (!isObject(body.stream_options)) {
      problem('stream_options', 'must be an object');
    } else {
      for (const [key, value] of Object.entries(body.stream_options)) {
        if (key === 'include_usage') {
          if (typeof value !== 'boolean')
            problem('stream_options.include_usage', 'must be a boolean');
          else includeUsage = value;
        } else if (key !== 'include_obfuscation' || value !== false) {
          problem(`stream_options.${key}`, 'is not supported');
        }
      }
    }
  }

  if (body.parallel_tool_calls !== undefined && body.parallel_tool_calls !== null) {
    if (body.parallel_tool_calls !== true) {
      problem(
        'parallel_tool_calls',
        'false is not honoured by every provider (Gemini has no such switch); leave it out or true',
      );
    }
  }

  const job: JobBodyFromChat = {
    task: typeof body.model === 'string' ? body.model : '',
    messages: mapMessages(body.messages, problem),
  };

  const tokenLimit = mapTokenLimit(body, problem);
  if (tokenLimit.value !== undefined) job.max_tokens = tokenLimit.value;
  if (body.temperature !== undefined && body.temperature !== null)
    job.temperature = body.temperature;

  const format = mapResponseFormat(body.response_format, problem);
  if (format) job.response_format = format;

  if (body.tools !== undefined && body.tools !== null) {
    const tools = mapTools(body.tools, problem);
    if (tools) job.tools = tools;
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    job.tool_choice = mapToolChoice(body.tool_choice, problem);
  }

  const metadata = mapMetadata(body.metadata, body.user, problem);
  if (metadata) job.metadata = metadata;

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    request: {
      job,
      stream: stream === true,
      include_usage: includeUsage,
      max_tokens_param: tokenLimit.param,
    },
  };
}

type Report = (param: string, message: string) => void;

function mapTokenLimit(
  body: Record<string, unknown>,
  problem: Report,
): { value?: unknown; param: 'max_tokens' | 'max_completion_tokens' } {
  const legacy = body.max_tokens ?? undefined;
  const current = body.max_completion_tokens ?? undefined;
  if (legacy !== undefined && current !== undefined && legacy !== current) {
    problem('max_tokens', 'give max_tokens or max_completion_tokens, not two different limits');
  }
  return current !== undefined
    ? { value: current, param: 'max_completion_tokens' }
    : { value: legacy, param: 'max_tokens' };
}

function mapMessages(raw: unknown, problem: Report): Array<Record<string, unknown>> {
  if (raw === undefined || raw === null) {
    problem('messages', 'is required');
    return [];
  }
  if (!Array.isArray(raw)) {
    problem('messages', 'must be an array of messages');
    return [];
  }
  if (raw.length === 0) problem('messages', 'must have at least one message');
  return raw.map((m: unknown, i) => mapMessage(m, `messages[${i}]`, problem));
}

function mapMessage(raw: unknown, at: string, problem: Report): Record<string, unknown> {
  if (!isObject(raw)) {
    problem(at, 'must be an object');
    return {};
  }
  const role = raw.role;
  if (typeof role !== 'string' || !ROLES.has(role)) {
    problem(`${at}.role`, 'must be one of system, developer, user, assistant, tool');
    return {};
  }
  for (const key of Object.keys(raw)) {
    const allowed =
      key === 'role' ||
      key === 'content' ||
      (key === 'tool_calls' && role === 'assistant') ||
      (key === 'tool_call_id' && role === 'tool') ||
      // An assistant turn replayed from an earlier answer carries refusal: null.
      (key === 'refusal' && role === 'assistant' && raw.refusal === null);
    if (allowed || raw[key] === undefined) continue;
    problem(
      `${at}.${key}`,
      key === 'name'
        ? 'participant names are not honoured by every provider'
        : `is not a field of a ${role} message`,
    );
  }
  // The developer role is OpenAI's newer name for system instructions.
  const message: Record<string, unknown> = { role: role === 'developer' ? 'system' : role };
  if (raw.content !== undefined && raw.content !== null) {
    message.content = mapContent(raw.content, `${at}.content`, problem);
  }
  if (role === 'assistant' && raw.tool_calls !== undefined && raw.tool_calls !== null) {
    if (!Array.isArray(raw.tool_calls)) problem(`${at}.tool_calls`, 'must be an array');
    else
      message.tool_calls = raw.tool_calls.map((c: unknown, j) =>
        mapToolCall(c, `${at}.tool_calls[${j}]`, problem),
      );
  }
  if (role === 'tool' && raw.tool_call_id !== undefined) message.tool_call_id = raw.tool_call_id;
  return message;
}

function mapContent(raw: unknown, at: string, problem: Report): unknown {
  if (typeof raw === 'string' || !Array.isArray(raw)) return raw; // the job DTO checks the rest
  return raw.map((part: unknown, j) => {
    const where = `${at}[${j}]`;
    if (!isObject(part)) return part;
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'image_url') {
      const image = part.image_url;
      const url = isObject(image) ? image.url : undefined;
      if (typeof url !== 'string') {
        problem(`${where}.image_url.url`, 'is required');
        return part;
      }
      const data = DATA_URI.exec(url);
      if (data) return { type: 'image', data: data[2], mime_type: data[1] };
      if (!url.startsWith('https://')) {
        problem(`${where}.image_url.url`, 'must be an https: URL or a data: URI (base64)');
        return part;
      }
      return { type: 'image', url };
    }
    problem(`${where}.type`, `content parts of type "${String(part.type)}" are not supported`);
    return part;
  });
}

function mapToolCall(raw: unknown, at: string, problem: Report): unknown {
  if (!isObject(raw)) return raw;
  if (raw.type !== undefined && raw.type !== 'function')
    problem(`${at}.type`, 'only function tool calls are supported');
  const fn = isObject(raw.function) ? raw.function : {};
  let args: unknown = fn.arguments;
  if (typeof fn.arguments === 'string') {
    try {
      args = fn.arguments.trim() === '' ? {} : JSON.parse(fn.arguments);
    } catch {
      problem(`${at}.function.arguments`, 'must be a JSON object serialized as a string');
    }
  }
  if (!isObject(args)) {
    problem(`${at}.function.arguments`, 'must be a JSON object serialized as a string');
  }
  return { id: raw.id, name: fn.name, arguments: args };
}

function mapResponseFormat(raw: unknown, problem: Report): JobBodyFromChat['response_format'] {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) {
    problem('response_format', 'must be an object');
    return undefined;
  }
  if (raw.type === 'text') return { type: 'text' };
  // Any JSON object: the job API's json_schema with the loosest object schema.
  if (raw.type === 'json_object') return { type: 'json_schema', schema: { type: 'object' } };
  if (raw.type === 'json_schema') {
    const spec = raw.json_schema;
    if (!isObject(spec)) {
      problem('response_format.json_schema', 'is required: {name, schema, strict}');
      return undefined;
    }
    if (typeof spec.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(spec.name)) {
      problem('response_format.json_schema.name', 'must be 1 to 64 letters, digits, _ or -');
    }
    if (spec.strict !== undefined && spec.strict !== null && typeof spec.strict !== 'boolean') {
      problem('response_format.json_schema.strict', 'must be a boolean');
    }
    // Every answer is checked against the schema (strict or not), so strict is always honoured.
    const schema = spec.schema ?? {};
    if (!isObject(schema)) {
      problem('response_format.json_schema.schema', 'must be a JSON Schema object');
      return undefined;
    }
    return { type: 'json_schema', schema };
  }
  problem('response_format.type', 'must be "text", "json_object" or "json_schema"');
  return undefined;
}

function mapTools(raw: unknown, problem: Report): JobBodyFromChat['tools'] {
  if (!Array.isArray(raw)) {
    problem('tools', 'must be an array');
    return undefined;
  }
  return raw.map((tool: unknown, i) => {
    const at = `tools[${i}]`;
    if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function)) {
      problem(`${at}.type`, 'only {type: "function", function: {...}} tools are supported');
      return { name: undefined, parameters: undefined };
    }
    const fn = tool.function;
    return {
      name: fn.name,
      ...(fn.description !== undefined && { description: fn.description }),
      // OpenAI lets a function without parameters take none.
      parameters: fn.parameters ?? { type: 'object', properties: {} },
    };
  });
}

function mapToolChoice(raw: unknown, problem: Report): unknown {
  if (typeof raw === 'string') return raw;
  if (isObject(raw) && raw.type === 'function' && isObject(raw.function)) {
    return { name: raw.function.name };
  }
  problem(
    'tool_choice',
    'must be "auto", "none", "required" or {type: "function", function: {name}}',
  );
  return undefined;
}

function mapMetadata(
  metadata: unknown,
  user: unknown,
  problem: Report,
): Record<string, unknown> | undefined {
  let merged: Record<string, unknown> | undefined;
  if (metadata !== undefined && metadata !== null) {
    if (!isObject(metadata)) problem('metadata', 'must be an object of string values');
    else merged = { ...metadata };
  }
  if (user !== undefined && user !== null) {
    if (typeof user !== 'string') problem('user', 'must be a string');
    else if (merged?.user !== undefined && merged.user !== user)
      problem('user', 'differs from metadata.user; give one of them');
    else merged = { ...merged, user };
  }
  return merged;
}

/**
 * A job API field path (as the job DTO's validation names it) in the OpenAI request's terms, so a
 * refusal from the shared validation still names the field the caller sent.
 */
export function toOpenAiParam(field: string, maxTokensParam = 'max_tokens'): string {
  if (field === 'task') return 'model';
  if (field === 'max_tokens') return maxTokensParam;
  return field
    .replace(/^tools(\[\d+\])\.(name|description|parameters)/, 'tools$1.function.$2')
    .replace(/(\.tool_calls\[\d+\])\.(name|arguments)/, '$1.function.$2')
    .replace(/^tool_choice\.name$/, 'tool_choice.function.name')
    .replace(/^response_format\.schema/, 'response_format.json_schema.schema')
    .replace(/(\.content\[\d+\])\.(url|data|mime_type)$/, '$1.image_url.url');
}
