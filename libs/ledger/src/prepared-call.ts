import type { SqlParam } from './sql-client';
import type { CallRecord } from './call-record.types';
import {
  MAX_ERROR_MESSAGE_CHARS,
  storedField,
  storedPrompt,
  storedResponse,
} from './storage-policy';

/**
 * Insert column order; prepareCall returns values in exactly this order. A new column is added
 * here and in prepareCall, nowhere else: the outbox carries a row as an object keyed by these
 * names (toLedgerRow / fromLedgerRow), so the column travels through Redis to the INSERT as is.
 */
export const CALL_COLUMNS = [
  'job_id',
  'tenant',
  'task',
  'attempt',
  'provider',
  'model',
  'model_revision',
  'system_fingerprint',
  'provider_request_id',
  'prompt',
  'response',
  'error_type',
  'error_message',
  'latency_ms',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'schema_valid',
  'fallback_reason',
  'trace_id',
  'started_at',
  'finished_at',
  'ttft_ms',
  'usage_estimated',
  'eval_run_id',
  'call_key',
  'cached',
  'rule',
  'split',
] as const;

export type CallColumn = (typeof CALL_COLUMNS)[number];

/** Casts so that both backends infer the same types for a multi-row VALUES list. */
const COLUMN_CASTS: Partial<Record<CallColumn, string>> = {
  attempt: 'integer',
  latency_ms: 'integer',
  input_tokens: 'integer',
  output_tokens: 'integer',
  cost_usd: 'double precision',
  schema_valid: 'boolean',
  started_at: 'timestamptz',
  finished_at: 'timestamptz',
  ttft_ms: 'integer',
  usage_estimated: 'boolean',
  cached: 'boolean',
};

export type PreparedCall = SqlParam[];

function int(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.max(0, Math.round(value));
}

function num(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return value;
}

function iso(value: Date | string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid timestamp in call record');
  return d.toISOString();
}

/**
 * Applies the storage policy and redaction, and normalises every value, so a batch insert cannot
 * fail because of one odd record. Runs synchronously in record(), before anything is queued.
 */
export function prepareCall(call: CallRecord, secrets: readonly string[]): PreparedCall {
  const required = (text: string) => storedField(text, secrets) ?? '';
  return [
    required(call.job_id),
    required(call.tenant),
    required(call.task),
    int(call.attempt) ?? 0,
    required(call.provider),
    required(call.model),
    storedField(call.model_revision, secrets),
    storedField(call.system_fingerprint, secrets),
    storedField(call.provider_request_id, secrets),
    storedPrompt(call.prompt, call.policy, secrets),
    storedResponse(call.response, call.policy, secrets),
    storedField(call.error_type, secrets, 100),
    storedField(call.error_message, secrets, MAX_ERROR_MESSAGE_CHARS),
    int(call.latency_ms) ?? 0,
    int(call.input_tokens),
    int(call.output_tokens),
    num(call.cost_usd),
    call.schema_valid ?? null,
    storedField(call.fallback_reason, secrets),
    storedField(call.trace_id, secrets, 64),
    iso(call.started_at),
    iso(call.finished_at),
    int(call.ttft_ms),
    call.usage_estimated ?? null,
    storedField(call.eval_run_id, secrets, 64),
    storedField(call.call_key, secrets, 300),
    call.cached ?? false,
    storedField(call.rule, secrets, 200),
    storedField(call.split, secrets, 200),
  ];
}

/** A ledger row as the outbox carries it: column name → stored value (prepared, redacted). */
export type LedgerRow = Partial<Record<CallColumn, SqlParam>>;

export function toLedgerRow(row: PreparedCall): LedgerRow {
  const named: LedgerRow = {};
  CALL_COLUMNS.forEach((column, i) => (named[column] = row[i] ?? null));
  return named;
}

/**
 * Back to insert order. A column the row lacks (written before the column existed) is null; a
 * name this version does not know is ignored. Throws when the row cannot be a call row at all.
 */
export function fromLedgerRow(value: unknown): PreparedCall {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('ledger row: expected an object');
  }
  const named = value as Record<string, unknown>;
  if (typeof named.job_id !== 'string' || typeof named.started_at !== 'string') {
    throw new TypeError('ledger row: job_id and started_at are required');
  }
  return CALL_COLUMNS.map((column) => {
    const v = named[column];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    throw new TypeError(`ledger row: ${column} is not a scalar`);
  });
}

/**
 * One multi-row INSERT for a batch of prepared calls. A row whose call_key is already stored (or
 * appears earlier in the batch) is skipped: the outbox delivers at least once, the table keeps one.
 */
export function insertCallsStatement(
  table: string,
  rows: readonly PreparedCall[],
): { sql: string; params: SqlParam[] } {
  const params: SqlParam[] = [];
  const tuples = rows.map((row) => {
    const placeholders = row.map((value, i) => {
      params.push(value);
      const cast = COLUMN_CASTS[CALL_COLUMNS[i]];
      return cast ? `$${params.length}::${cast}` : `$${params.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  return {
    sql:
      `INSERT INTO ${table} (${CALL_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ` +
      'ON CONFLICT (call_key) DO NOTHING',
    params,
  };
}
