import type { ChatMessage, ResponseFormat, ToolDefinition } from '@switchyard/providers';

/**
 * The evaluation model: a dataset of examples per task (`evals/<task>.jsonl`), the checks each
 * example's answer is scored with, and what a run adds up to per candidate. Field names are
 * snake_case where they are part of the dataset format or the `/v1/evals` API.
 */

/** Every check may carry a weight (default 1) in its example's weighted mean. */
interface CheckBase {
  weight?: number;
}

/** The answer text, trimmed, equals `value` (trimmed); without `value`, the example's `expected`. */
export interface EqualsCheck extends CheckBase {
  type: 'equals';
  value?: string;
}

/** The answer text contains `value` (`ignore_case` to compare case-insensitively). */
export interface ContainsCheck extends CheckBase {
  type: 'contains';
  value: string;
  ignore_case?: boolean;
}

/** The answer text does not contain `value`. */
export interface NotContainsCheck extends CheckBase {
  type: 'not_contains';
  value: string;
  ignore_case?: boolean;
}

/** The answer text matches the regular expression `pattern` (JavaScript syntax, `flags` e.g. `i`). */
export interface RegexCheck extends CheckBase {
  type: 'regex';
  pattern: string;
  flags?: string;
}

/**
 * The answer is JSON and matches a JSON Schema: the check's own `schema`, else the example's
 * `response_format` schema, else the task's schema; with none of them, any JSON value passes.
 */
export interface JsonValidCheck extends CheckBase {
  type: 'json_valid';
  schema?: Record<string, unknown>;
}

/** The JSON answer's value at `path` (`$.a.b[0]` form) deep-equals `value`. */
export interface JsonPathEqualsCheck extends CheckBase {
  type: 'json_path_equals';
  path: string;
  value: unknown;
}

/** The JSON answer's number at `path` is within `tolerance` of `value`. */
export interface NumberCloseCheck extends CheckBase {
  type: 'number_close';
  path: string;
  value: number;
  tolerance: number;
}

/**
 * The model called the tool `name`; with `arguments`, the score is the share of the listed
 * arguments the call passed with equal values (extra arguments are not penalised).
 */
export interface ToolCalledCheck extends CheckBase {
  type: 'tool_called';
  name: string;
  arguments?: Record<string, unknown>;
}

/**
 * The answer is a refusal or was stopped by a content filter (`refused: true`, the default), or it
 * is a real answer (`refused: false`: the model must not refuse a legitimate request).
 */
export interface RefusalCheck extends CheckBase {
  type: 'refusal';
  refused?: boolean;
}

/** The call took at most `value` milliseconds. */
export interface MaxLatencyCheck extends CheckBase {
  type: 'max_latency_ms';
  value: number;
}

/** The call cost at most `value` US dollars. */
export interface MaxCostCheck extends CheckBase {
  type: 'max_cost_usd';
  value: number;
}

/**
 * An LLM-as-judge grade: a grading job on the routing table's `task` is given the `rubric`, the
 * example and the answer, and its 0..1 score (see parseJudgeScore) is the check's score.
 */
export interface JudgeCheck extends CheckBase {
  type: 'judge';
  task: string;
  rubric: string;
}

export type EvalCheck =
  | EqualsCheck
  | ContainsCheck
  | NotContainsCheck
  | RegexCheck
  | JsonValidCheck
  | JsonPathEqualsCheck
  | NumberCloseCheck
  | ToolCalledCheck
  | RefusalCheck
  | MaxLatencyCheck
  | MaxCostCheck
  | JudgeCheck;

export type EvalCheckType = EvalCheck['type'];

/** Every check type, in the order the README documents them. */
export const EVAL_CHECK_TYPES: readonly EvalCheckType[] = [
  'equals',
  'contains',
  'not_contains',
  'regex',
  'json_valid',
  'json_path_equals',
  'number_close',
  'tool_called',
  'refusal',
  'max_latency_ms',
  'max_cost_usd',
  'judge',
];

/** One line of `evals/<task>.jsonl`. */
export interface EvalExample {
  id: string;
  messages: ChatMessage[];
  response_format?: ResponseFormat;
  tools?: ToolDefinition[];
  /** The reference answer, free-form; `equals` compares against it when it has no `value`. */
  expected?: unknown;
  checks: EvalCheck[];
}

export interface CandidateToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** What one candidate answered to one example (a finished job, or a failed one). */
export interface CandidateOutput {
  text: string;
  /** The parsed JSON answer, when the job had a JSON response format. */
  json?: unknown;
  toolCalls?: CandidateToolCall[];
  /** stop | length | content_filter | tool_calls | other */
  finishReason?: string;
  latencyMs: number;
  costUsd: number;
  modelRevision?: string;
  /** Set when the candidate failed (error, invalid output, timeout): every check scores 0. */
  errorType?: string;
  errorMessage?: string;
}

export interface CheckResult {
  type: EvalCheckType;
  /** 0..1 */
  score: number;
  /** Why it scored what it scored, in a sentence a reader of the report understands. */
  detail: string;
  weight: number;
}

export interface ExampleScore {
  /** Weighted mean of the checks' scores, 0..1. */
  score: number;
  checks: CheckResult[];
  /** score ≥ EXAMPLE_PASS_SCORE: every check passed in full. */
  passed: boolean;
  /** The answer was a refusal or a content-filter stop. */
  refused: boolean;
  /**
   * Only for examples that ask for JSON (a json_schema response format or a JSON check): whether
   * the answer was JSON matching the schema in force.
   */
  json_adherent?: boolean;
}

/** One example's result for one candidate, as the runner stores and the summary reads it. */
export interface ScoredExample extends ExampleScore {
  example_id: string;
  output: CandidateOutput;
}

export interface LatencySummary {
  p50: number;
  p95: number;
}

/** A run's result for one candidate (`provider/model`), as `GET /v1/evals/:id` shows it. */
export interface CandidateSummary {
  candidate: string;
  /** The revisions that answered, in order of first appearance. */
  model_revisions: string[];
  /** Mean example score, 0..1. */
  score: number;
  /** Share of examples that passed (score ≥ EXAMPLE_PASS_SCORE). */
  pass_rate: number;
  /** Share of the JSON-asking examples answered with schema-valid JSON; null when none asked. */
  json_adherence: number | null;
  /** Share of examples answered with a refusal or a content-filter stop. */
  refusal_rate: number;
  /** Nearest-rank percentiles over every example's call latency (failed calls included). */
  latency_ms: LatencySummary;
  mean_cost_usd: number;
  /** mean_cost_usd × 1000: what 1,000 such examples cost on this candidate. */
  cost_per_1k_usd: number;
  /** How many examples were scored. */
  examples: number;
  /** How many of them failed (the candidate errored, so every check scored 0). */
  errors: number;
}
