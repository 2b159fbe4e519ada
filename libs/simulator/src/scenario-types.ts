/**
 * The simulator's fault and reply model. Scenario files (JSON or YAML) and the admin API both
 * speak these shapes, with snake_case keys to match the routing table's style.
 */

/** A 200 whose body breaks the API's promise: valid JSON of the wrong shape, or not JSON at all. */
export type MalformedKind = 'shape' | 'not_json';

/** What a new model revision does worse than the one it replaces. */
export interface WorseBehaviour {
  /** Extra failure rate (0..1), answered with the rule's `status` (default 500). */
  error_rate?: number;
  /** Share (0..1) of JSON-schema answers that violate the schema. */
  invalid_output_rate?: number;
  /** Extra latency added to every answer. */
  latency_ms?: number;
  /**
   * Share (0..1) of answers that drift: the scripted reply is ignored and the generic answer (the
   * schema sample, or the echo) goes out instead, so evaluation scores fall while the JSON stays
   * valid.
   */
  wrong_answer_rate?: number;
}

export interface FaultRule {
  /** Routing-table provider name (the `/p/{name}` prefix); absent or `*` matches every provider. */
  provider?: string;
  /** The provider's own model name; absent or `*` matches every model of the provider. */
  model?: string;
  /** Share (0..1) of calls answered with `status`; 1 always fails, 0 never. */
  error_rate?: number;
  /** Status for injected errors: 400, 401, 403, 404, 429, 500, 502, 503, 504 or 529. Default 500. */
  status?: number;
  /** For 429s: the wait the provider asks for (retry-after headers or RetryInfo). Default 1000. */
  retry_after_ms?: number;
  latency_ms?: number;
  jitter_ms?: number;
  /** Accept the call and never answer, until the client gives up. */
  hang?: boolean;
  /** Destroy the connection without an answer. */
  reset?: boolean;
  /** Answer 200 with a body that is not the API's shape (`true` means `shape`). */
  malformed?: boolean | MalformedKind;
  /** Answer JSON-schema requests with JSON that violates the schema. */
  break_schema?: boolean;
  /** Answer with the provider's content-filter outcome instead of text. */
  content_filter?: boolean;
  /** Context window in tokens; longer prompts get the provider's context-length error. */
  context_window?: number;
  /** Report this many of each answer's prompt tokens as read from the prompt cache. */
  cached_input_tokens?: number;
  /** Report this many of each answer's prompt tokens as written to the prompt cache (Anthropic). */
  cache_write_input_tokens?: number;
  /** OpenAI wire: answer without `usage` (no usage chunk when streamed), as some compatible APIs do. */
  omit_usage?: boolean;
  /** The model is gone (retired or renamed): every call gets the provider's unknown-model 404. */
  retired?: boolean;
  /** Streamed answers: wait this long after the opening frames before the first piece. */
  first_token_delay_ms?: number;
  /** Streamed answers: close the connection after this many pieces of the answer. */
  cut_after_chunks?: number;
  /** Streamed answers: stop sending after this many pieces, keeping the connection open. */
  stall_after_chunks?: number;
  /** A revision rollout: the model is served as this revision from now on. */
  revision?: string;
  /** With `revision`: what the new revision does worse. */
  worse?: WorseBehaviour;
}

export type ScriptedFinish = 'stop' | 'length' | 'content_filter';

export interface ScriptedReply {
  /** Regular expression tested against the last user message's text. */
  match: string;
  /** Regular-expression flags, e.g. `i`. */
  flags?: string;
  provider?: string;
  model?: string;
  /** Reply text for plain requests. */
  reply?: string;
  /** Reply value for JSON-schema requests (serialized as the answer). */
  json?: unknown;
  finish?: ScriptedFinish;
}

export interface ScenarioFile {
  /** Seeds the latency jitter, so a scenario replays the same way. */
  seed?: number;
  faults?: FaultRule[];
  replies?: ScriptedReply[];
  /** model -> served revision, overriding the built-in table. */
  revisions?: Record<string, string>;
}
