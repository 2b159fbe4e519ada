import type { IncomingHttpHeaders } from 'node:http';
import type { MalformedKind } from '../scenario-types';

export type WireApi = 'openai' | 'anthropic' | 'gemini';

/** A provider call reduced to what the simulator needs to answer it. */
export interface SimRequest {
  model: string;
  lastUserText: string;
  /** Characters of all text the model would read (system, messages, tool schemas). */
  inputChars: number;
  imageCount: number;
  maxTokens?: number;
  /** The JSON Schema the answer must satisfy, when structured output was asked for. */
  schema?: Record<string, unknown>;
  /** The tools offered, each with the JSON Schema of its arguments. */
  tools?: SimTool[];
  toolChoice?: SimToolChoice;
  /** The text of the tool results the conversation ends with, when it ends with some. */
  toolResultText?: string;
  /** The answer goes out as a stream of events (`stream: true`, Gemini's streamGenerateContent). */
  stream?: boolean;
  /** OpenAI `stream_options.include_usage`: one more chunk with the usage before [DONE]. */
  includeUsage?: boolean;
}

export interface SimTool {
  name: string;
  schema: Record<string, unknown>;
}

export type SimToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** One tool call of an answer; the arguments as JSON text (what OpenAI sends; the others parse it). */
export interface SimToolCall {
  name: string;
  argumentsText: string;
}

/**
 * A streamed answer as frames in the wire's own SSE form: the opening frames, one frame per piece
 * of the answer (what the stream faults count as chunks), and the closing frames.
 */
export interface StreamScript {
  status: number;
  headers: Record<string, string>;
  opening: string[];
  pieces: string[];
  closing: string[];
}

export type SimFinish = 'stop' | 'length' | 'content_filter';

export interface SimReply {
  text: string;
  finish: SimFinish;
  /** When the answer is a tool call rather than text. */
  toolCalls?: SimToolCall[];
  /** Every prompt token, cached ones included */
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, read from the prompt cache */
  cachedInputTokens?: number;
  /** Of inputTokens, written to the prompt cache */
  cacheWriteInputTokens?: number;
  /** Answer without usage (the OpenAI wire leaves it out). */
  omitUsage?: boolean;
  /** The model revision reported as having served the call. */
  revision: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface InjectedErrorContext {
  model: string;
  /** The key the caller presented; some auth errors echo it (see README). */
  apiKey?: string;
  retryAfterMs: number;
}

export interface PresentedCredentials {
  /** Which header (or query parameter) carried the key. */
  header: string;
  key: string;
}

/** One provider API's wire format: how requests look and how every kind of answer is written. */
export interface WireFormat {
  readonly api: WireApi;
  /** The provider name a call is counted under when it comes without a /p/{name} prefix. */
  readonly defaultProvider: string;
  credentials(headers: IncomingHttpHeaders, url: URL): PresentedCredentials | undefined;
  /** Provider-specific request headers kept in the request log. */
  loggedHeaders(headers: IncomingHttpHeaders): Record<string, string>;
  /** Validates the body like the real API does; throws WireRequestError on a bad request. */
  parse(body: unknown, pathModel: string | undefined, headers: IncomingHttpHeaders): SimRequest;
  success(request: SimRequest, reply: SimReply): WireResponse;
  /** The same answer as `success`, streamed; `pieces` concatenate to the answer's text. */
  successStream(request: SimRequest, reply: SimReply, pieces: string[]): StreamScript;
  injectedError(status: number, context: InjectedErrorContext): WireResponse;
  missingKey(): WireResponse;
  badRequest(message: string): WireResponse;
  contextExceeded(model: string, inputTokens: number, window: number): WireResponse;
  malformed(kind: MalformedKind): WireResponse;
  /** A 200 event stream that breaks the API's promise: frames of the wrong shape, or cut mid-JSON. */
  malformedStream(kind: MalformedKind): WireResponse;
}
