import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from './call-record.types';
import { CallLedger, type LedgerFailureReason } from './call-ledger';
import { createSqlClient } from './create-sql-client';
import { LedgerQueries } from './ledger-queries';
import { LedgerQueryError } from './ledger-query-error';
import { runMigrations } from './migrate';
import { PgSqlClient } from './pg-sql-client';
import {
  closedPort,
  openPgliteBackend,
  openPostgresBackend,
  randomSchema,
  type TestBackend,
} from './testing/ledger-test-support';

const SECRET = 'sk-live-THIS-MUST-NEVER-BE-STORED-0042';
const silent = { warn: () => undefined };

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  const started = new Date(Date.now() - 1000);
  return {
    job_id: 'job-1',
    tenant: 'acme',
    task: 'summarize',
    attempt: 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    model_revision: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_abc',
    provider_request_id: 'req_123',
    prompt: [{ role: 'user', content: 'hello' }],
    response: 'hi there',
    latency_ms: 420,
    input_tokens: 10,
    output_tokens: 5,
    cost_usd: 0.0012,
    schema_valid: null,
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    started_at: started,
    finished_at: new Date(started.getTime() + 420),
    policy: { store_prompts: true, store_responses: true },
    ...overrides,
  };
}

interface Failure {
  rows: number;
  reason: LedgerFailureReason;
}

describe.each([
  ['postgres', () => openPostgresBackend('calls')],
  ['pglite', () => openPgliteBackend('calls')],
])('CallLedger on %s', (_name, open) => {
  let backend: TestBackend;
  let ledger: CallLedger;
  let queries: LedgerQueries;
  const failures: Failure[] = [];

  beforeAll(async () => {
    backend = open();
    await runMigrations(backend.client, { schema: backend.schema });
    ledger = new CallLedger({
      client: backend.client,
      schema: backend.schema,
      secrets: [SECRET],
      logger: silent,
      onWriteFailure: (rows, reason) => failures.push({ rows, reason }),
    });
    queries = new LedgerQueries(backend.client, backend.schema);
  }, 60_000);

  afterAll(async () => {
    await ledger.flush();
    await backend.cleanup();
  });

  it('records a call and lists it back with every field', async () => {
    const record = call({
      job_id: 'job-fields',
      schema_valid: true,
      fallback_reason: 'rate_limited',
    });
    await ledger.record(record);
    await ledger.flush();
    const { calls, next_cursor } = await queries.listCalls({
      tenant: 'acme',
      job_id: 'job-fields',
    });
    expect(next_cursor).toBeNull();
    expect(calls).toHaveLength(1);
    const row = calls[0];
    expect(row).toMatchObject({
      job_id: 'job-fields',
      tenant: 'acme',
      task: 'summarize',
      attempt: 1,
      provider: 'openai',
      model: 'gpt-4o-mini',
      model_revision: 'gpt-4o-mini-2024-07-18',
      system_fingerprint: 'fp_abc',
      provider_request_id: 'req_123',
      prompt: [{ role: 'user', content: 'hello' }],
      response: 'hi there',
      error_type: null,
      error_message: null,
      latency_ms: 420,
      input_tokens: 10,
      output_tokens: 5,
      cost_usd: 0.0012,
      schema_valid: true,
      fallback_reason: 'rate_limited',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      started_at: new Date(record.started_at).toISOString(),
      finished_at: new Date(record.finished_at).toISOString(),
    });
    expect(row.id).toMatch(/^\d+$/);
    expect(Number.isNaN(Date.parse(row.created_at))).toBe(false);
    expect(ledger.writeFailures).toBe(0);
  });

  it('records failures with their error type and message', async () => {
    await ledger.record(
      call({
        job_id: 'job-failed',
        model_revision: null,
        response: null,
        error_type: 'timeout',
        error_message: 'provider did not answer within 30000 ms',
        input_tokens: null,
        output_tokens: null,
        cost_usd: null,
      }),
    );
    await ledger.flush();
    const { calls } = await queries.listCalls({ tenant: 'acme', job_id: 'job-failed' });
    expect(calls[0]).toMatchObject({
      error_type: 'timeout',
      error_message: 'provider did not answer within 30000 ms',
      model_revision: null,
      response: null,
      cost_usd: null,
    });
  });

  it('scopes queries to the tenant', async () => {
    await ledger.record(call({ tenant: 'other-co', job_id: 'job-other' }));
    await ledger.flush();
    expect((await queries.listCalls({ tenant: 'nobody' })).calls).toEqual([]);
    expect((await queries.listCalls({ tenant: 'other-co' })).calls.map((c) => c.job_id)).toEqual([
      'job-other',
    ]);
    expect((await queries.listCalls({ tenant: 'other-co', job_id: 'job-fields' })).calls).toEqual(
      [],
    );
    expect(await queries.stats({ tenant: 'nobody', group_by: 'provider' })).toEqual([]);
  });

  it('paginates newest first with an opaque cursor', async () => {
    // Ten rows, so ids cross from one digit to two: the order must be numeric, not textual.
    for (let i = 0; i < 10; i++) {
      await ledger.record(call({ tenant: 'pager', job_id: `page-${i}`, attempt: i + 1 }));
    }
    await ledger.flush();
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await queries.listCalls({ tenant: 'pager', limit: 3, cursor });
      pageSizes.push(page.calls.length);
      seen.push(...page.calls.map((c) => c.job_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(pageSizes).toEqual([3, 3, 3, 1]);
    // Rows of one batch share created_at, so the id decides: later inserts come first.
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `page-${9 - i}`));
  });

  it('filters by task, provider, model revision and since', async () => {
    await ledger.record(
      call({ tenant: 'filters', task: 'classify', provider: 'groq', model_revision: 'llama-x' }),
    );
    await ledger.record(call({ tenant: 'filters', task: 'summarize' }));
    await ledger.flush();
    const jobs = async (q: Partial<Parameters<LedgerQueries['listCalls']>[0]>) =>
      (await queries.listCalls({ tenant: 'filters', ...q })).calls.map((c) => c.task);
    expect(await jobs({ task: 'classify' })).toEqual(['classify']);
    expect(await jobs({ provider: 'groq' })).toEqual(['classify']);
    expect(await jobs({ model_revision: 'gpt-4o-mini-2024-07-18' })).toEqual(['summarize']);
    expect(await jobs({ since: new Date(Date.now() + 3600_000) })).toEqual([]);
  });

  it('rejects a forged cursor, naming the field', async () => {
    const forged = queries.listCalls({ tenant: 'acme', cursor: 'not-a-cursor' });
    await expect(forged).rejects.toThrow(LedgerQueryError);
    await expect(forged).rejects.toThrow(/^cursor: /);
  });

  it('separates two revisions of one model in stats', async () => {
    const rec = (revision: string | null, latency: number, extra: Partial<CallRecord> = {}) =>
      ledger.record(
        call({
          tenant: 'stats',
          model_revision: revision,
          latency_ms: latency,
          schema_valid: true,
          ...extra,
        }),
      );
    for (const latency of [100, 200, 300, 400])
      await rec('rev-a', latency, { ttft_ms: latency / 10 });
    await rec('rev-b', 1000, { schema_valid: false });
    await rec('rev-b', 2000);
    await rec('rev-b', 3000, {
      error_type: 'invalid_output',
      schema_valid: false,
      cost_usd: 0.003,
    });
    await rec(null, 5000, {
      error_type: 'timeout',
      schema_valid: null,
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
    });
    await ledger.flush();

    const byRevision = await queries.stats({ tenant: 'stats', group_by: 'model_revision' });
    const a = byRevision.find((g) => g.group === 'rev-a');
    const b = byRevision.find((g) => g.group === 'rev-b');
    const none = byRevision.find((g) => g.group === null);
    expect(byRevision).toHaveLength(3);
    expect(a).toEqual({
      group: 'rev-a',
      calls: 4,
      success_rate: 1,
      error_types: {},
      invalid_output_rate: 0,
      latency_ms: { p50: 250, p95: 385 },
      ttft_ms: { p50: 25, p95: 38.5 },
      mean_cost_usd: expect.closeTo(0.0012, 10),
      tokens: { input: 40, output: 20 },
    });
    // No call of rev-b streamed a first token.
    expect(b?.ttft_ms).toBeNull();
    expect(b).toMatchObject({
      calls: 3,
      success_rate: 2 / 3,
      error_types: { invalid_output: 1 },
      invalid_output_rate: 2 / 3,
      latency_ms: { p50: 2000, p95: 2900 },
      tokens: { input: 30, output: 15 },
    });
    expect(b?.mean_cost_usd).toBeCloseTo((0.0012 * 2 + 0.003) / 3, 10);
    expect(none).toMatchObject({
      calls: 1,
      success_rate: 0,
      error_types: { timeout: 1 },
      invalid_output_rate: null,
      mean_cost_usd: 0,
      tokens: { input: 0, output: 0 },
    });

    const byModel = await queries.stats({ tenant: 'stats', group_by: 'model' });
    expect(byModel.map((g) => [g.group, g.calls])).toEqual([['openai/gpt-4o-mini', 8]]);
    const byTask = await queries.stats({ tenant: 'stats', task: 'other', group_by: 'provider' });
    expect(byTask).toEqual([]);
  });

  it('stores rule and split, and groups stats by split arm (null: jobs of no split)', async () => {
    const arms = [
      'gpt-4o-mini@90',
      'gpt-4o-mini@90',
      'gpt-4o-mini@90',
      'gemini-2.5-flash@10',
      null,
    ];
    for (const [i, split] of arms.entries()) {
      await ledger.record(
        call({ tenant: 'splits', job_id: `s${i}`, rule: i === 0 ? 'long' : null, split }),
      );
    }
    await ledger.flush();
    const bySplit = await queries.stats({ tenant: 'splits', group_by: 'split' });
    expect(bySplit.map((g) => [g.group, g.calls])).toEqual([
      ['gpt-4o-mini@90', 3],
      ['gemini-2.5-flash@10', 1],
      [null, 1],
    ]);
    const { calls } = await queries.listCalls({ tenant: 'splits', job_id: 's0' });
    expect(calls[0]).toMatchObject({ rule: 'long', split: 'gpt-4o-mini@90' });
    const [plain] = (await queries.listCalls({ tenant: 'splits', job_id: 's4' })).calls;
    expect(plain).toMatchObject({ rule: null, split: null });
  });

  it('rejects an unknown group_by, naming the field', async () => {
    const bad = queries.stats({ tenant: 'stats', group_by: 'tenant' as 'provider' });
    await expect(bad).rejects.toThrow(LedgerQueryError);
    await expect(bad).rejects.toThrow(/^group_by: /);
  });

  it('applies the storage policy: off, truncated, full', async () => {
    const long = 'x'.repeat(50);
    await ledger.record(call({ tenant: 'policy', job_id: 'off', policy: undefined }));
    await ledger.record(
      call({
        tenant: 'policy',
        job_id: 'prompts-only',
        policy: { store_prompts: true, store_responses: false },
      }),
    );
    await ledger.record(
      call({
        tenant: 'policy',
        job_id: 'truncated',
        prompt: [{ role: 'user', content: long }],
        response: long,
        policy: { store_prompts: true, store_responses: true, max_chars: 20 },
      }),
    );
    await ledger.flush();
    const rows = (await queries.listCalls({ tenant: 'policy' })).calls;
    const byJob = new Map(rows.map((r) => [r.job_id, r]));
    expect(byJob.get('off')).toMatchObject({ prompt: null, response: null });
    expect(byJob.get('prompts-only')).toMatchObject({
      prompt: [{ role: 'user', content: 'hello' }],
      response: null,
    });
    const truncated = byJob.get('truncated');
    expect(truncated?.response).toBe(`${'x'.repeat(20)}…[truncated 30 chars]`);
    expect(typeof truncated?.prompt).toBe('string');
    expect(truncated?.prompt).toBe('[{"role":"user","con…[truncated 60 chars]');
  });

  it('never stores a secret it was given, wherever it appears', async () => {
    await ledger.record(
      call({
        tenant: 'secrets',
        prompt: [{ role: 'user', content: `my key is ${SECRET}` }],
        response: `echo ${SECRET}`,
        error_type: 'auth',
        error_message: `Incorrect API key provided: ${SECRET}`,
        fallback_reason: `weird ${SECRET}`,
      }),
    );
    await ledger.flush();
    const { rows } = await backend.client.query<Record<string, unknown>>(
      `SELECT * FROM "${backend.schema}".switchyard_calls WHERE tenant = 'secrets'`,
    );
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(SECRET);
    expect(dump).not.toContain('THIS-MUST-NEVER');
    expect(dump).toContain('[REDACTED]');
  });

  it('keeps good rows when one row of a batch is rejected by the database', async () => {
    const before = ledger.writeFailures;
    // Out of integer range: a data error for that row alone.
    const batch = [
      ledger.record(call({ tenant: 'batch', job_id: 'good-1' })),
      ledger.record(call({ tenant: 'batch', job_id: 'bad', input_tokens: 2 ** 40 })),
      ledger.record(call({ tenant: 'batch', job_id: 'good-2' })),
    ];
    await Promise.all(batch);
    await ledger.flush();
    const jobs = (await queries.listCalls({ tenant: 'batch' })).calls.map((c) => c.job_id).sort();
    expect(jobs).toEqual(['good-1', 'good-2']);
    expect(ledger.writeFailures).toBe(before + 1);
  });

  it('survives its tables disappearing: record resolves, the loss is counted', async () => {
    const schema = randomSchema('gone');
    await runMigrations(backend.client, { schema });
    const lost: Failure[] = [];
    const warnings: string[] = [];
    const doomed = new CallLedger({
      client: backend.client,
      schema,
      secrets: [SECRET],
      logger: { warn: (m) => warnings.push(m) },
      onWriteFailure: (rows, reason) => lost.push({ rows, reason }),
    });
    await backend.client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await expect(doomed.record(call({ error_message: `boom ${SECRET}` }))).resolves.toBeUndefined();
    await doomed.flush();
    expect(doomed.writeFailures).toBe(1);
    expect(lost).toEqual([{ rows: 1, reason: 'write_error' }]);
    expect(warnings).toHaveLength(1);
    expect(warnings.join()).not.toContain(SECRET);
  });

  it('bounds its queue: beyond maxQueue rows are dropped and counted', async () => {
    const lost: Failure[] = [];
    const small = new CallLedger({
      client: backend.client,
      schema: backend.schema,
      maxQueue: 2,
      maxBatch: 1,
      logger: silent,
      onWriteFailure: (rows, reason) => lost.push({ rows, reason }),
    });
    // Not awaited one by one: a burst arriving while the first INSERT is in flight.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        small.record(call({ tenant: 'burst', job_id: `b${i}` })),
      ),
    );
    await small.flush();
    const stored = (await queries.listCalls({ tenant: 'burst' })).calls;
    // One row in flight, two queued, seven dropped.
    expect(stored).toHaveLength(3);
    expect(small.writeFailures).toBe(7);
    expect(lost.every((f) => f.reason === 'queue_full')).toBe(true);
  });

  it('counts an unusable record instead of throwing', async () => {
    const before = ledger.writeFailures;
    await expect(ledger.record(call({ started_at: 'not a date' }))).resolves.toBeUndefined();
    expect(ledger.writeFailures).toBe(before + 1);
  });
});

describe('CallLedger against an unreachable PostgreSQL', () => {
  it('resolves record and counts the failure', async () => {
    const port = await closedPort();
    const client = new PgSqlClient({
      connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
      connectionTimeoutMillis: 2000,
    });
    const lost: Failure[] = [];
    const warnings: string[] = [];
    const ledger = new CallLedger({
      client,
      logger: { warn: (m) => warnings.push(m) },
      onWriteFailure: (rows, reason) => lost.push({ rows, reason }),
    });
    try {
      await expect(ledger.record(call())).resolves.toBeUndefined();
      await expect(ledger.record(call())).resolves.toBeUndefined();
      await ledger.flush();
      expect(ledger.writeFailures).toBe(2);
      expect(lost.reduce((n, f) => n + f.rows, 0)).toBe(2);
      expect(lost.every((f) => f.reason === 'write_error')).toBe(true);
      // Logged once, not once per row.
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/ECONNREFUSED/);
    } finally {
      await client.close();
    }
  });
});

describe('createSqlClient', () => {
  it('falls back to PGlite under <dataDir>/ledger without a database URL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-data-'));
    const client = createSqlClient({ dataDir });
    try {
      expect(client.kind).toBe('pglite');
      const { rows } = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
      expect(rows).toEqual([{ answer: 42 }]);
      expect(existsSync(join(dataDir, 'ledger', 'PG_VERSION'))).toBe(true);
    } finally {
      await client.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('uses PostgreSQL when a database URL is given', async () => {
    const client = createSqlClient({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
      dataDir: '/nonexistent',
    });
    try {
      expect(client.kind).toBe('postgres');
    } finally {
      await client.close();
    }
  });
});
