import type { JobView, ToolCallFragment } from '@switchyard/jobs';
import type { FinishReason, TokenUsage, ToolCall } from '@switchyard/providers';

/** What Switchyard adds to OpenAI's objects: which job, which route, what it cost. */
export interface SwitchyardInfo {
  job_id: string;
  task: string;
  provider: string | null;
  model: string | null;
  model_revision: string | null;
  attempts: AttemptSummary[];
  cost_usd: number;
  trace_id: string | null;
}

export interface AttemptSummary {
  provider: string;
  model: string;
  status: string;
  error?: { type: string; message: string };
}

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: OpenAiToolCall[];
    };
    logprobs: null;
    finish_reason: OpenAiFinishReason;
  }>;
  usage: ChatCompletionUsage;
  system_fingerprint?: string;
  switchyard: SwitchyardInfo;
}

/** Switchyard's own `other` (a provider-specific end, such as Gemini's) reads as a plain stop. */
export function toOpenAiFinishReason(reason: FinishReason): OpenAiFinishReason {
  return reason === 'other' ? 'stop' : reason;
}

export function toOpenAiUsage(usage: TokenUsage): ChatCompletionUsage {
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
    ...(usage.cached_input_tokens !== undefined && {
      prompt_tokens_details: { cached_tokens: usage.cached_input_tokens },
    }),
  };
}

export function toOpenAiToolCalls(calls: readonly ToolCall[]): OpenAiToolCall[] {
  return calls.map((c) => ({
    id: c.id,
    type: 'function',
    function: { name: c.name, arguments: JSON.stringify(c.arguments) },
  }));
}

/** Attempts that ran (a skipped candidate never did). */
export function attemptsThatRan(view: JobView): AttemptSummary[] {
  return (view.attempts ?? [])
    .filter((a) => a.status !== 'skipped')
    .map((a) => ({
      provider: a.provider,
      model: a.model,
      status: a.status,
      ...(a.error && { error: { type: a.error.type, message: a.error.message } }),
    }));
}

export function switchyardInfo(view: JobView): SwitchyardInfo {
  return {
    job_id: view.id,
    task: view.task,
    provider: view.result?.provider ?? null,
    model: view.result?.model ?? null,
    model_revision: view.result?.model_revision ?? null,
    attempts: attemptsThatRan(view),
    cost_usd: view.cost_usd,
    trace_id: view.trace_id ?? null,
  };
}

export function createdSeconds(view: Pick<JobView, 'created_at'>): number {
  return Math.floor(Date.parse(view.created_at) / 1000);
}

/** A succeeded job as OpenAI's `chat.completion`; `model` is the served revision, as OpenAI's is. */
export function toChatCompletion(view: JobView): ChatCompletion {
  const result = view.result;
  if (view.status !== 'succeeded' || !result) {
    throw new Error(`job ${view.id} has no result (status ${view.status})`);
  }
  const toolCalls = result.tool_calls?.length ? toOpenAiToolCalls(result.tool_calls) : undefined;
  return {
    id: view.id,
    object: 'chat.completion',
    created: createdSeconds(view),
    model: result.model_revision,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI answers null content on a turn that is only tool calls.
          content: toolCalls && result.text === '' ? null : result.text,
          refusal: null,
          ...(toolCalls && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: toOpenAiFinishReason(result.finish_reason),
      },
    ],
    usage: toOpenAiUsage(result.usage),
    ...(result.system_fingerprint && { system_fingerprint: result.system_fingerprint }),
    switchyard: switchyardInfo(view),
  };
}

/** The `x-switchyard-*` headers of an answer from a finished job. */
export function completionHeaders(view: JobView): Record<string, string> {
  const result = view.result;
  return {
    'x-switchyard-job-id': view.id,
    ...(result && {
      'x-switchyard-provider': result.provider,
      'x-switchyard-model': result.model,
      'x-switchyard-model-revision': result.model_revision,
    }),
    'x-switchyard-attempts': String(attemptsThatRan(view).length),
    'x-switchyard-cost-usd': String(view.cost_usd),
  };
}

// ---------------------------------------------------------------------------------------------
// Streaming: chat.completion.chunk objects

export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  tool_calls?: Array<{
    index: number;
    id?: string;
    type?: 'function';
    function: { name?: string; arguments: string };
  }>;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    delta: ChunkDelta;
    logprobs: null;
    finish_reason: OpenAiFinishReason | null;
  }>;
  usage?: ChatCompletionUsage | null;
  system_fingerprint?: string;
  switchyard?: SwitchyardInfo;
}

/** Fields every chunk of one answer shares. */
export interface ChunkIdentity {
  id: string;
  created: number;
  model: string;
}

export function chunk(
  identity: ChunkIdentity,
  delta: ChunkDelta,
  finishReason: OpenAiFinishReason | null = null,
): ChatCompletionChunk {
  return {
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The first chunk: the role, with whatever the first delta carried. */
export function firstChunk(identity: ChunkIdentity, delta: ChunkDelta): ChatCompletionChunk {
  return chunk(identity, { role: 'assistant', ...delta });
}

/** A delta event of the job's stream as a chunk delta. */
export function toChunkDelta(data: { text: string } | { tool_call: ToolCallFragment }): ChunkDelta {
  if ('text' in data) return { content: data.text };
  const f = data.tool_call;
  return {
    tool_calls: [
      {
        index: f.index,
        ...(f.id !== undefined && { id: f.id, type: 'function' as const }),
        function: { ...(f.name !== undefined && { name: f.name }), arguments: f.arguments },
      },
    ],
  };
}

/**
 * The closing chunks of a succeeded job: the finish reason (with the served revision and the
 * `switchyard` summary), then the usage chunk with empty choices when the caller asked for it.
 */
export function closingChunks(
  identity: ChunkIdentity,
  view: JobView,
  includeUsage: boolean,
): ChatCompletionChunk[] {
  const result = view.result;
  if (!result) throw new Error(`job ${view.id} has no result`);
  const closing: ChatCompletionChunk = {
    ...chunk(identity, {}, toOpenAiFinishReason(result.finish_reason)),
    model: result.model_revision,
    ...(result.system_fingerprint && { system_fingerprint: result.system_fingerprint }),
    switchyard: switchyardInfo(view),
  };
  if (!includeUsage) return [closing];
  return [
    closing,
    {
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: result.model_revision,
      choices: [],
      usage: toOpenAiUsage(result.usage),
    },
  ];
}
