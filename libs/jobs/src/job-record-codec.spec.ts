import {
  decodeJobRecord,
  decodeJobRecordReply,
  encodeJobRecord,
  JOB_RECORD_FIELDS,
} from './job-record-codec';
import type { JobRecord } from './job.types';

const MINIMAL: JobRecord = {
  id: 'job_1',
  tenant: 'acme',
  task: 'reasoning',
  status: 'queued',
  request: { messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 },
  plan: {
    candidates: [{ provider: 'openai', model: 'gpt-x', estimated_cost_usd: 0.001, max_tokens: 9 }],
    skipped: [],
    estimated_input_tokens: 1,
    max_tokens: 9,
    rule: null,
  },
  deadline_at: 1_764_650_000_123,
  cost_usd: 0,
  current_hop: 0,
  created_at: '2026-12-02T05:00:00.000Z',
  updated_at: '2026-12-02T05:00:00.000Z',
};

// Every optional field present, so a field the codec forgets to write or read shows.
const FULL: Required<JobRecord> = {
  ...MINIMAL,
  status: 'succeeded',
  max_cost_usd: 0.25,
  cost_usd: 0.0123,
  current_hop: 2,
  result: {
    text: '{"a":1}',
    json: { a: 1 },
    provider: 'openai',
    model: 'gpt-x',
    model_revision: 'r1',
    finish_reason: 'stop',
    usage: { input_tokens: 3, output_tokens: 4 },
    cost_usd: 0.0123,
    latency_ms: 7,
  },
  error: { type: 'server_error', message: 'boom' },
  trace_id: '0af7651916cd43dd8448eb211c80319c',
  trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  started_at: '2026-12-02T05:00:01.000Z',
  finished_at: '2026-12-02T05:00:02.000Z',
  cache_key: 'ck',
  cache_hit_of: 'job_0',
  finalized_by: 'h2',
  pin: 'openai/gpt-x',
  eval_run_id: 'ev_1',
};

describe('job record codec', () => {
  it('round-trips every field', () => {
    expect(Object.keys(FULL).sort()).toEqual(Object.keys(JOB_RECORD_FIELDS).sort());
    expect(decodeJobRecord(encodeJobRecord(FULL))).toStrictEqual(FULL);
  });

  it('writes no field for an absent optional one and reads it back absent', () => {
    const hash = encodeJobRecord(MINIMAL);
    expect(Object.keys(hash).sort()).toEqual(
      [
        'id',
        'tenant',
        'task',
        'status',
        'request',
        'plan',
        'deadline_at',
        'cost_usd',
        'current_hop',
        'created_at',
        'updated_at',
      ].sort(),
    );
    const back = decodeJobRecord(hash);
    expect(back).toEqual(MINIMAL);
    for (const field of ['result', 'error', 'trace', 'max_cost_usd', 'pin', 'finished_at']) {
      expect(back?.[field as keyof JobRecord]).toBeUndefined();
    }
  });

  it('stores numbers as decimal text and JSON fields as JSON', () => {
    const hash = encodeJobRecord(FULL);
    expect(hash.deadline_at).toBe('1764650000123');
    expect(hash.cost_usd).toBe('0.0123');
    expect(hash.max_cost_usd).toBe('0.25');
    expect(JSON.parse(hash.plan)).toEqual(FULL.plan);
    expect(JSON.parse(hash.result)).toEqual(FULL.result);
  });

  it('keeps a zero max_cost_usd (a zero budget is not "no budget")', () => {
    const back = decodeJobRecord(encodeJobRecord({ ...MINIMAL, max_cost_usd: 0 }));
    expect(back?.max_cost_usd).toBe(0);
  });

  it('reads what scripts write: HINCRBYFLOAT text, missing counters as 0, empty text as absent', () => {
    const hash: Record<string, string> = {
      ...encodeJobRecord(MINIMAL),
      cost_usd: '0.0030000000000000001',
      trace_id: '',
    };
    delete hash.current_hop;
    const back = decodeJobRecord(hash);
    expect(back?.cost_usd).toBeCloseTo(0.003, 12);
    expect(back?.current_hop).toBe(0);
    expect(back?.trace_id).toBeUndefined();
  });

  it('reads an empty hash (expired or never written) as no job', () => {
    expect(decodeJobRecord({})).toBeNull();
    expect(decodeJobRecordReply([])).toBeNull();
    expect(decodeJobRecordReply(null)).toBeNull();
  });

  it("reads a script's flat HGETALL reply", () => {
    const flat = Object.entries(encodeJobRecord(FULL)).flat();
    expect(decodeJobRecordReply(flat)).toStrictEqual(FULL);
  });
});
