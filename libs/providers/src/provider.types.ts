/**
 * The normalized shape every adapter speaks. The ingress validates user input into these types,
 * the worker hands them to an adapter, and the adapter maps them onto one provider's wire format.
 */
/** Every provider kind an adapter exists for; a routes file naming any other kind is rejected. */
export const PROVIDER_KINDS = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImageUrlPart {
  type: 'image';
  url: string;
}

export interface ImageDataPart {
  type: 'image';
  /** base64, without a data: prefix */
  data: string;
  mime_type: string;
}

export type ContentPart = TextPart | ImageUrlPart | ImageDataPart;

export interface ChatMessage {
  role: MessageRole;
  /** May be '' on an assistant message that only carries tool calls. */
  content: string | ContentPart[];
  /** Assistant messages: the tool calls the model made in that turn. */
  tool_calls?: ToolCall[];
  /** Tool messages: the call this message answers. */
  tool_call_id?: string;
}

/** A function the model may call; `parameters` is a JSON Schema of its arguments (an object). */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** One call the model made: its id (the provider's, or a stable generated one), the tool and its parsed arguments. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  { type: 'text' } | { type: 'json_schema'; schema: Record<string, unknown> };

export interface CompletionRequest {
  /** The provider's own model name, without the "provider/" prefix. */
  model: string;
  messages: ChatMessage[];
  response_format?: ResponseFormat;
  max_tokens: number;
  temperature?: number;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  /**
   * Stable per call (job, hop, try): providers without call ids of their own (Gemini) get ids
   * derived from it, so the same answer read twice carries the same ids.
   */
  call_key?: string;
  /** Hard limit for this one call; the adapter turns an overrun into a `timeout` error. */
  timeout_ms: number;
  /** Longest wait from the request to the first content delta; an overrun is a `timeout`. */
  first_token_timeout_ms?: number;
  /** Longest gap between two deltas of the answer; an overrun is a `timeout`. */
  stream_idle_timeout_ms?: number;
  /** Called with every piece of the answer as it streams in, in order. */
  onDelta?: (delta: CompletionDelta) => void;
  signal?: AbortSignal;
}

/** One piece of a streamed answer. */
export interface TextDelta {
  type: 'text';
  text: string;
}

/** A fragment of a tool call: the first names it (id, name), the rest add to its JSON arguments. */
export interface ToolCallDelta {
  type: 'tool_call';
  /** Which call of the answer this fragment belongs to (0-based). */
  index: number;
  id?: string;
  name?: string;
  /** The next piece of the arguments' JSON text ('' when this fragment only names the call). */
  arguments: string;
}

/**
 * The model revision serving the call, as the provider's stream names it, sent once before the
 * first piece of the answer: what a relay names before the answer is whole (a streamed
 * OpenAI-compatible response's headers).
 */
export interface ModelRevisionDelta {
  type: 'model_revision';
  model_revision: string;
}

export type CompletionDelta = TextDelta | ToolCallDelta | ModelRevisionDelta;

/**
 * What a call that failed mid-stream had produced: never an answer, but what the ledger keeps
 * of it. `usage_estimated` says the provider reported no (or no complete) usage before the cut.
 */
export interface PartialOutput {
  text: string;
  usage: TokenUsage;
  usage_estimated: boolean;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

export interface TokenUsage {
  /** Every prompt token, cached reads and cache writes included */
  input_tokens: number;
  output_tokens: number;
  /** Of input_tokens, read from the provider's prompt cache (billed at the cached price) */
  cached_input_tokens?: number;
  /** Of input_tokens, written to the prompt cache (Anthropic; billed at the cache-write price) */
  cache_write_input_tokens?: number;
}

export interface CompletionResult {
  text: string;
  /** Parsed and schema-checked output, present when a json_schema response was asked for. */
  json?: unknown;
  /** The tool calls of the answer, arguments parsed and checked against each tool's parameters. */
  tool_calls?: ToolCall[];
  finish_reason: FinishReason;
  usage: TokenUsage;
  /** True when the provider reported no (or no complete) usage and `usage` is an estimate. */
  usage_estimated?: boolean;
  /** The exact model string the provider says served the call, e.g. gpt-4o-mini-2024-07-18. */
  model_revision: string;
  request_id?: string;
  system_fingerprint?: string;
}

export interface ProviderAdapter {
  readonly provider: string;
  readonly kind: ProviderKind;
  /** Resolves with a normalized result or rejects with a ProviderError; never anything else. */
  complete(request: CompletionRequest): Promise<CompletionResult>;
}

/** Everything an adapter needs to reach one provider. The key is held here and nowhere else. */
export interface ProviderConnection {
  /** The provider's name in the routing table (openai, groq, ...). */
  provider: string;
  kind: ProviderKind;
  /** Base URL handed to the SDK (openai: includes /v1; anthropic and google: the host root). */
  baseURL: string;
  apiKey: string;
  /** Optional fetch implementation passed to the SDK (a faster HTTP client, for instance). */
  fetch?: typeof fetch;
}
