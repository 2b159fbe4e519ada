import { ScenarioError } from './scenario-error';
import type {
  FaultRule,
  MalformedKind,
  ScenarioFile,
  ScriptedFinish,
  ScriptedReply,
  WorseBehaviour,
} from './scenario-types';

/** Statuses the wire formats know how to render in each provider's own error shape. */
export const INJECTABLE_STATUSES = [400, 401, 403, 404, 429, 500, 502, 503, 504, 529] as const;

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(raw: Raw, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new ScenarioError(`${where}: unknown field "${key}"`);
  }
}

function optionalString(raw: Raw, key: string, where: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new ScenarioError(`${where}.${key}: expected a non-empty string`);
  return value;
}

function optionalBoolean(raw: Raw, key: string, where: string): boolean | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new ScenarioError(`${where}.${key}: expected true or false`);
  return value;
}

function optionalNumber(
  raw: Raw,
  key: string,
  where: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    throw new ScenarioError(`${where}.${key}: expected a number between 0 and ${max}`);
  }
  return value;
}

function optionalWholeNumber(raw: Raw, key: string, where: string): number | undefined {
  const value = optionalNumber(raw, key, where);
  if (value !== undefined && !Number.isInteger(value))
    throw new ScenarioError(`${where}.${key}: expected a whole number`);
  return value;
}

function optionalRate(raw: Raw, key: string, where: string): number | undefined {
  return optionalNumber(raw, key, where, 1);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function parseWorse(raw: unknown, where: string): WorseBehaviour | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) throw new ScenarioError(`${where}: expected an object`);
  rejectUnknownKeys(
    raw,
    ['error_rate', 'invalid_output_rate', 'latency_ms', 'wrong_answer_rate'],
    where,
  );
  return withoutUndefined({
    error_rate: optionalRate(raw, 'error_rate', where),
    invalid_output_rate: optionalRate(raw, 'invalid_output_rate', where),
    latency_ms: optionalNumber(raw, 'latency_ms', where),
    wrong_answer_rate: optionalRate(raw, 'wrong_answer_rate', where),
  });
}

function parseMalformed(raw: Raw, where: string): boolean | MalformedKind | undefined {
  const value = raw.malformed;
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'shape' || value === 'not_json') return value;
  throw new ScenarioError(`${where}.malformed: expected true, false, "shape" or "not_json"`);
}

const FAULT_KEYS = [
  'provider',
  'model',
  'error_rate',
  'status',
  'retry_after_ms',
  'latency_ms',
  'jitter_ms',
  'hang',
  'reset',
  'malformed',
  'break_schema',
  'content_filter',
  'context_window',
  'cached_input_tokens',
  'cache_write_input_tokens',
  'omit_usage',
  'retired',
  'first_token_delay_ms',
  'cut_after_chunks',
  'stall_after_chunks',
  'revision',
  'worse',
] as const;

export function parseFaultRule(raw: unknown, where = 'fault'): FaultRule {
  if (!isRecord(raw)) throw new ScenarioError(`${where}: expected an object`);
  rejectUnknownKeys(raw, FAULT_KEYS, where);
  const status = optionalNumber(raw, 'status', where);
  if (status !== undefined && !(INJECTABLE_STATUSES as readonly number[]).includes(status)) {
    throw new ScenarioError(`${where}.status: expected one of ${INJECTABLE_STATUSES.join(', ')}`);
  }
  const rule: FaultRule = withoutUndefined({
    provider: optionalString(raw, 'provider', where),
    model: optionalString(raw, 'model', where),
    error_rate: optionalRate(raw, 'error_rate', where),
    status,
    retry_after_ms: optionalNumber(raw, 'retry_after_ms', where),
    latency_ms: optionalNumber(raw, 'latency_ms', where),
    jitter_ms: optionalNumber(raw, 'jitter_ms', where),
    hang: optionalBoolean(raw, 'hang', where),
    reset: optionalBoolean(raw, 'reset', where),
    malformed: parseMalformed(raw, where),
    break_schema: optionalBoolean(raw, 'break_schema', where),
    content_filter: optionalBoolean(raw, 'content_filter', where),
    context_window: optionalNumber(raw, 'context_window', where),
    cached_input_tokens: optionalNumber(raw, 'cached_input_tokens', where),
    cache_write_input_tokens: optionalNumber(raw, 'cache_write_input_tokens', where),
    omit_usage: optionalBoolean(raw, 'omit_usage', where),
    retired: optionalBoolean(raw, 'retired', where),
    first_token_delay_ms: optionalNumber(raw, 'first_token_delay_ms', where),
    cut_after_chunks: optionalWholeNumber(raw, 'cut_after_chunks', where),
    stall_after_chunks: optionalWholeNumber(raw, 'stall_after_chunks', where),
    revision: optionalString(raw, 'revision', where),
    worse: parseWorse(raw.worse, `${where}.worse`),
  });
  if (rule.worse && !rule.revision)
    throw new ScenarioError(`${where}.worse: only meaningful with "revision"`);
  return rule;
}

function parseFinish(raw: Raw, where: string): ScriptedFinish | undefined {
  const value = raw.finish;
  if (value === undefined) return undefined;
  if (value === 'stop' || value === 'length' || value === 'content_filter') return value;
  throw new ScenarioError(`${where}.finish: expected "stop", "length" or "content_filter"`);
}

export function parseScriptedReply(raw: unknown, where = 'reply'): ScriptedReply {
  if (!isRecord(raw)) throw new ScenarioError(`${where}: expected an object`);
  rejectUnknownKeys(raw, ['match', 'flags', 'provider', 'model', 'reply', 'json', 'finish'], where);
  const match = optionalString(raw, 'match', where);
  if (match === undefined) throw new ScenarioError(`${where}.match: required`);
  const flags = optionalString(raw, 'flags', where);
  try {
    new RegExp(match, flags);
  } catch (err) {
    throw new ScenarioError(`${where}.match: ${(err as Error).message}`);
  }
  const reply = raw.reply;
  if (reply !== undefined && typeof reply !== 'string')
    throw new ScenarioError(`${where}.reply: expected a string`);
  return withoutUndefined({
    match,
    flags,
    provider: optionalString(raw, 'provider', where),
    model: optionalString(raw, 'model', where),
    reply,
    json: raw.json,
    finish: parseFinish(raw, where),
  });
}

function parseList<T>(
  raw: unknown,
  where: string,
  parseOne: (item: unknown, where: string) => T,
): T[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ScenarioError(`${where}: expected a list`);
  return raw.map((item, i) => parseOne(item, `${where}[${i}]`));
}

export function parseFaultRules(raw: unknown, where = 'faults'): FaultRule[] {
  const list = isRecord(raw) && 'faults' in raw ? raw.faults : raw;
  return parseList(list, where, parseFaultRule);
}

export function parseScenario(raw: unknown, where = 'scenario'): ScenarioFile {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new ScenarioError(`${where}: expected an object`);
  rejectUnknownKeys(raw, ['seed', 'faults', 'replies', 'revisions'], where);
  const revisions = raw.revisions;
  if (revisions !== undefined) {
    if (
      !isRecord(revisions) ||
      Object.values(revisions).some((v) => typeof v !== 'string' || v === '')
    ) {
      throw new ScenarioError(`${where}.revisions: expected a map of model -> revision`);
    }
  }
  return withoutUndefined({
    seed: optionalNumber(raw, 'seed', where),
    faults: parseList(raw.faults, `${where}.faults`, parseFaultRule),
    replies: parseList(raw.replies, `${where}.replies`, parseScriptedReply),
    revisions: revisions as Record<string, string> | undefined,
  });
}
