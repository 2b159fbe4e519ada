import type { JobRecord } from './job.types';

/**
 * The job record's fields, declared once: how each is stored in the job's Redis hash. The type
 * below makes the compiler insist that every field of JobRecord is declared, and that a field is
 * optional here exactly when it is optional there.
 *   text / number / json        always present (a missing number reads as 0)
 *   text? / number? / json?     absent when undefined (an empty text is absent too)
 */
type RequiredKind = 'text' | 'number' | 'json';
type OptionalKind = 'text?' | 'number?' | 'json?';
type FieldKinds = {
  [F in keyof JobRecord]-?: undefined extends JobRecord[F] ? OptionalKind : RequiredKind;
};

export const JOB_RECORD_FIELDS = {
  id: 'text',
  tenant: 'text',
  task: 'text',
  status: 'text',
  request: 'json',
  plan: 'json',
  deadline_at: 'number',
  max_cost_usd: 'number?',
  cost_usd: 'number',
  current_hop: 'number',
  result: 'json?',
  error: 'json?',
  trace_id: 'text?',
  trace: 'json?',
  created_at: 'text',
  updated_at: 'text',
  started_at: 'text?',
  finished_at: 'text?',
  cache_key: 'text?',
  cache_hit_of: 'text?',
  finalized_by: 'text?',
  pin: 'text?',
  eval_run_id: 'text?',
} as const satisfies FieldKinds;

const ENTRIES = Object.entries(JOB_RECORD_FIELDS) as Array<
  [keyof JobRecord, RequiredKind | OptionalKind]
>;

/** The record as the hash's field/value pairs. */
export function encodeJobRecord(job: JobRecord): Record<string, string> {
  const hash: Record<string, string> = {};
  for (const [field, kind] of ENTRIES) {
    const value = job[field];
    if (kind.endsWith('?') && (value === undefined || value === '')) continue;
    hash[field] = kind.startsWith('json') ? JSON.stringify(value) : String(value);
  }
  return hash;
}

/** The record from its hash; null when the hash is not a job (empty: expired or never written). */
export function decodeJobRecord(hash: Record<string, string>): JobRecord | null {
  if (!hash.id) return null;
  const job: Record<string, unknown> = {};
  for (const [field, kind] of ENTRIES) {
    const raw = hash[field];
    if (kind.endsWith('?') && (raw === undefined || raw === '')) {
      job[field] = undefined;
    } else if (kind.startsWith('json')) {
      job[field] = JSON.parse(raw);
    } else if (kind.startsWith('number')) {
      job[field] = Number(raw ?? 0);
    } else {
      job[field] = raw;
    }
  }
  return job as unknown as JobRecord;
}

/** HGETALL's reply of a script (a flat field, value, ... list) as the record. */
export function decodeJobRecordReply(flat: readonly string[] | null): JobRecord | null {
  if (!flat) return null;
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]] = flat[i + 1];
  return decodeJobRecord(hash);
}
