import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type Redis from 'ioredis';
import { JobStore, ledgerOutboxKeys, type AttemptRecord } from '@switchyard/jobs';
import { createTestRedis, type TestRedis } from '@switchyard/testing';
import type { CallRecord } from './call-record.types';
import type { LedgerFailureReason } from './call-ledger';
import { LedgerOutboxDrainer, type LedgerOutboxDrainerOptions } from './ledger-outbox-drainer';
import { runMigrations } from './migrate';
import { PgSqlClient } from './pg-sql-client';
import { prepareCall, toLedgerRow } from './prepared-call';
import type { SqlClient } from './sql-client';
import {
  TEST_DATABASE_URL,
  openPgliteBackend,
  openPostgresBackend,
  type TestBackend,
} from './testing/ledger-test-support';

const SECRET = 'sk-live-OUTBOX-SECRET-NEVER-STORED-77';
const silent = { warn: () => undefined };

function call(jobId: string, hop = 0, tryNumber = 0, overrides: Partial<CallRecord> = {}) {
  const started = new Date(Date.now() - 500);
  const record: CallRecord = {
    job_id: jobId,
    call_key: `${jobId}:h${hop}:t${tryNumber}`,
    tenant: 'acme',
    task: 'summarize',
    attempt: hop + 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    prompt: [{ role: 'user', content: `hello, my key is ${SECRET}` }],
    response: 'x'.repeat(50),
    latency_ms: 120,
    input_tokens: 10,
    output_tokens: 5,
    cost_usd: 0.001,
    started_at: started,
    finished_at: new Date(),
    policy: { store_prompts: true, store_responses: true, max_chars: 20 },
    ...overrides,
  };
  return record;
}

/** The row as the worker hands it to putAttempt (see LedgerService.ledgerRow). */
const rowOf = (c: CallRecord) => JSON.stringify(toLedgerRow(prepareCall(c, [SECRET])));

const attempt = (hop: number, tryNumber = 0): AttemptRecord => ({
  hop,
  try: tryNumber,
  provider: 'openai',
  model: 'gpt-4o-mini',
  status: 'failed',
  error: { type: 'server_error', message: 'boom' },
  started_at: new Date().toISOString(),
});

async function rowsFor(client: SqlClient, schema: string, jobId: string) {
  const { rows } = await client.query<{ call_key: string; prompt: unknown; response: string }>(
    `SELECT call_key, prompt, response FROM "${schema}".switchyard_calls WHERE job_id = $1
      ORDER BY call_key`,
    [jobId],
  );
  return rows;
}

/** A TCP hop in front of PostgreSQL that can drop every connection, as a database outage does. */
class SwitchablePostgres {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  up = true;

  async listen(): Promise<string> {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      if (!this.up) return void client.destroy();
      const upstream = connect(5432, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as AddressInfo;
    return TEST_DATABASE_URL.replace(/127\.0\.0\.1:5432/, `127.0.0.1:${port}`);
  }

  down(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

describe.each([
  ['postgres', () => openPostgresBackend('outbox')],
  ['pglite', () => openPgliteBackend('outbox')],
])('LedgerOutboxDrainer on %s', (_name, open) => {
  let backend: TestBackend;
  let redis: TestRedis;
  let store: JobStore;
  const drainers: LedgerOutboxDrainer[] = [];
  const lost: Array<{ rows: number; reason: LedgerFailureReason }> = [];

  const drainer = (options: Partial<LedgerOutboxDrainerOptions> = {}) => {
    const d = new LedgerOutboxDrainer({
      redis: redis.redis,
      keys: ledgerOutboxKeys(redis.prefix),
      client: backend.client,
      schema: backend.schema,
      consumer: `test-${drainers.length}`,
      logger: silent,
      onWriteFailure: (rows, reason) => lost.push({ rows, reason }),
      ...options,
    });
    drainers.push(d);
    return d;
  };
  const outboxLength = () => redis.redis.xlen(ledgerOutboxKeys(redis.prefix).stream);

  beforeAll(async () => {
    backend = open();
    await runMigrations(backend.client, { schema: backend.schema });
    redis = createTestRedis('outbox');
    store = new JobStore(redis.redis, redis.prefix, 3600, { ledgerOutboxMaxEntries: 50 });
  }, 60_000);

  beforeEach(async () => {
    lost.length = 0;
    await redis.redis.del(...Object.values(ledgerOutboxKeys(redis.prefix)));
  });

  afterEach(async () => {
    await Promise.all(drainers.splice(0).map((d) => d.stop(0)));
  });

  afterAll(async () => {
    await redis?.cleanup();
    await backend?.cleanup();
  });

  it('stores each row putAttempt left, redacted and within the storage policy, and empties the outbox', async () => {
    await store.putAttempt('job-a', attempt(0), rowOf(call('job-a', 0)));
    await store.putAttempt('job-a', attempt(1), rowOf(call('job-a', 1)));
    expect(await outboxLength()).toBe(2);

    expect(await drainer().drainOnce()).toBe(2);

    const rows = await rowsFor(backend.client, backend.schema, 'job-a');
    expect(rows.map((r) => r.call_key)).toEqual(['job-a:h0:t0', 'job-a:h1:t0']);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(SECRET);
    expect(rows[0].response).toMatch(/^x{20}…\[truncated 30 chars\]$/);
    expect(await outboxLength()).toBe(0);
    expect(lost).toEqual([]);
  });

  it('stores a row delivered twice once: in one batch, and again after it was stored', async () => {
    const row = rowOf(call('job-twice'));
    const { stream } = ledgerOutboxKeys(redis.prefix);
    await redis.redis.xadd(stream, '*', 'row', row);
    await redis.redis.xadd(stream, '*', 'row', row);
    const d = drainer();
    expect(await d.drainOnce()).toBe(2);
    await redis.redis.xadd(stream, '*', 'row', row);
    expect(await d.drainOnce()).toBe(1);

    expect(await rowsFor(backend.client, backend.schema, 'job-twice')).toHaveLength(1);
    expect(await outboxLength()).toBe(0);
  });

  it('takes over the rows a dead drainer had read but not stored, once they are idle', async () => {
    await store.putAttempt('job-orphan', attempt(0), rowOf(call('job-orphan', 0)));
    await store.putAttempt('job-orphan', attempt(1), rowOf(call('job-orphan', 1)));
    // A drainer reads both rows, then its process dies before the INSERT.
    const { stream } = ledgerOutboxKeys(redis.prefix);
    await redis.redis.call('XGROUP', 'CREATE', stream, 'ledger', '0', 'MKSTREAM');
    await redis.redis.call('XREADGROUP', 'GROUP', 'ledger', 'dead', 'STREAMS', stream, '>');

    const survivor = drainer({ claimIdleMs: 300 });
    // Not yet idle long enough: a live drainer's rows are not taken from it.
    expect(await survivor.drainOnce()).toBe(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(await survivor.drainOnce()).toBe(2);

    expect(await rowsFor(backend.client, backend.schema, 'job-orphan')).toHaveLength(2);
    expect(await outboxLength()).toBe(0);
  });

  it('counts a row the outbox refused (full) and an unusable entry as lost, once', async () => {
    const { stream, overflow } = ledgerOutboxKeys(redis.prefix);
    for (let i = 0; i < 50; i++) await redis.redis.xadd(stream, '*', 'row', rowOf(call(`f${i}`)));
    expect(await store.putAttempt('job-full', attempt(0), rowOf(call('job-full')))).toBe(true);
    expect(await outboxLength()).toBe(50);
    expect(await redis.redis.get(overflow)).toBe('1');
    await redis.redis.xadd(stream, '*', 'row', '{"not":"a row"}');

    const d = drainer({ batchSize: 100 });
    expect(await d.drainOnce()).toBe(51);
    expect(await d.drainOnce()).toBe(0);
    expect(lost).toEqual(
      expect.arrayContaining([
        { rows: 1, reason: 'queue_full' },
        { rows: 1, reason: 'invalid_record' },
      ]),
    );
    expect(lost).toHaveLength(2);
    expect(d.stored).toBe(50);
  });

  it('drops the names of stopped consumers that held nothing, and keeps one that holds rows', async () => {
    const { stream } = ledgerOutboxKeys(redis.prefix);
    await redis.redis.call('XGROUP', 'CREATE', stream, 'ledger', '0', 'MKSTREAM');
    // Two processes that stopped: one after storing everything, one holding a row.
    await redis.redis.call('XGROUP', 'CREATECONSUMER', stream, 'ledger', 'stopped-empty');
    await store.putAttempt('job-held', attempt(0), rowOf(call('job-held')));
    await redis.redis.call(
      'XREADGROUP',
      'GROUP',
      'ledger',
      'stopped-holding',
      'STREAMS',
      stream,
      '>',
    );
    await new Promise((r) => setTimeout(r, 150));

    const d = drainer({ claimIdleMs: 60_000, forgetConsumerAfterMs: 100 });
    await d.drainOnce();
    const names = ((await redis.redis.call('XINFO', 'CONSUMERS', stream, 'ledger')) as string[][])
      .map((fields) => fields[fields.indexOf('name') + 1])
      .sort();
    expect(names).toEqual(['stopped-holding', 'test-' + String(drainers.length - 1)]);
  });

  it('lets rows that arrive one by one gather for lingerMs, so they are stored in a few INSERTs', async () => {
    let inserts = 0;
    const counting: SqlClient = {
      kind: backend.client.kind,
      query: (sql, params) => {
        if (/^\s*INSERT/i.test(sql)) inserts++;
        return backend.client.query(sql, params);
      },
      transaction: (fn) => backend.client.transaction(fn),
      close: () => Promise.resolve(),
    };
    const d = drainer({ client: counting, blockMs: 200, lingerMs: 300 });
    d.start();
    for (let i = 0; i < 10; i++) {
      await store.putAttempt(`job-linger-${i}`, attempt(0), rowOf(call(`job-linger-${i}`)));
      await new Promise((r) => setTimeout(r, 10));
    }
    const deadline = Date.now() + 5_000;
    while (d.stored < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(d.stored).toBe(10);
    // The first row is stored at once; the nine after it arrive while the drainer lingers.
    expect(inserts).toBeLessThanOrEqual(2);
    expect(await outboxLength()).toBe(0);
  });

  const waitFor = async (done: () => boolean | Promise<boolean>, ms = 5_000) => {
    const deadline = Date.now() + ms;
    while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };

  it('keeps one drainer active at a time: the standby stores nothing until the active one stops', async () => {
    const { lease } = ledgerOutboxKeys(redis.prefix);
    const active = drainer({ blockMs: 100, lingerMs: 0, leaseMs: 300 });
    active.start();
    await waitFor(async () => (await redis.redis.get(lease)) === 'test-0');
    const standby = drainer({ blockMs: 100, lingerMs: 0, leaseMs: 300 });
    standby.start();
    for (let i = 0; i < 6; i++) {
      await store.putAttempt(`job-lease-${i}`, attempt(0), rowOf(call(`job-lease-${i}`)));
      await new Promise((r) => setTimeout(r, 60));
    }
    await waitFor(() => active.stored + standby.stored >= 6);
    expect(active.stored).toBe(6);
    expect(standby.stored).toBe(0);
    expect(await redis.redis.get(lease)).toBe('test-0');

    // A graceful stop hands the lease on: the standby stores what comes next.
    await active.stop();
    expect(await redis.redis.get(lease)).toBeNull();
    await store.putAttempt('job-lease-after', attempt(0), rowOf(call('job-lease-after')));
    await waitFor(() => standby.stored >= 1);
    expect(standby.stored).toBe(1);
    expect(await rowsFor(backend.client, backend.schema, 'job-lease-after')).toHaveLength(1);
    expect(await redis.redis.get(lease)).toBe('test-1');
  });

  it('takes over from an active drainer that died, once its lease has lapsed, with the rows it held', async () => {
    const { stream, lease } = ledgerOutboxKeys(redis.prefix);
    await store.putAttempt('job-lapsed', attempt(0), rowOf(call('job-lapsed', 0)));
    // The active drainer read the row, then its process died: no renewal, no acknowledgement.
    await redis.redis.set(lease, 'dead', 'PX', 400);
    await redis.redis.call('XGROUP', 'CREATE', stream, 'ledger', '0', 'MKSTREAM');
    await redis.redis.call('XREADGROUP', 'GROUP', 'ledger', 'dead', 'STREAMS', stream, '>');
    await store.putAttempt('job-lapsed', attempt(1), rowOf(call('job-lapsed', 1)));

    const survivor = drainer({ blockMs: 100, lingerMs: 0, leaseMs: 300, claimIdleMs: 500 });
    survivor.start();
    await new Promise((r) => setTimeout(r, 250));
    // The lease is still the dead one's: nothing is read meanwhile.
    expect(survivor.stored).toBe(0);
    expect(await outboxLength()).toBe(2);
    await waitFor(() => survivor.stored >= 2);
    expect(survivor.stored).toBe(2);
    expect(await rowsFor(backend.client, backend.schema, 'job-lapsed')).toHaveLength(2);
    expect(await redis.redis.get(lease)).toBe(`test-${drainers.length - 1}`);
  });

  it('flushes what is left when stopped', async () => {
    const d = drainer({ blockMs: 200 });
    d.start();
    await store.putAttempt('job-stop', attempt(0), rowOf(call('job-stop', 0)));
    await d.stop();
    expect(await rowsFor(backend.client, backend.schema, 'job-stop')).toHaveLength(1);
    expect(await outboxLength()).toBe(0);
  });
});

describe('LedgerOutboxDrainer while PostgreSQL is down', () => {
  let pg: SwitchablePostgres;
  let client: PgSqlClient;
  let direct: TestBackend;
  let redis: TestRedis;
  let drain: LedgerOutboxDrainer | undefined;

  beforeAll(async () => {
    direct = openPostgresBackend('outbox_down');
    await runMigrations(direct.client, { schema: direct.schema });
    pg = new SwitchablePostgres();
    client = new PgSqlClient({ connectionString: await pg.listen(), connectionTimeoutMillis: 500 });
    redis = createTestRedis('outbox-down');
  });

  afterAll(async () => {
    await drain?.stop(0);
    await client?.close();
    await pg?.close();
    await redis?.cleanup();
    await direct?.cleanup();
  });

  it('keeps every row in Redis, counts none as lost, and stores them all once the database is back', async () => {
    const store = new JobStore(redis.redis, redis.prefix, 3600);
    const lost: number[] = [];
    const warnings: string[] = [];
    pg.down();
    drain = new LedgerOutboxDrainer({
      redis: redis.redis as Redis,
      keys: ledgerOutboxKeys(redis.prefix),
      client,
      schema: direct.schema,
      consumer: 'while-down',
      blockMs: 100,
      retryMinMs: 50,
      retryMaxMs: 200,
      logger: { warn: (m) => warnings.push(m) },
      logIntervalMs: 0,
      onWriteFailure: (rows) => lost.push(rows),
    });
    drain.start();
    for (let i = 0; i < 10; i++) {
      await store.putAttempt(`job-down-${i}`, attempt(0), rowOf(call(`job-down-${i}`)));
    }
    // Several failed attempts to write, and the rows are all still there.
    const deadline = Date.now() + 10_000;
    while (warnings.length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    expect(warnings.join('\n')).not.toContain(SECRET);
    expect(await redis.redis.xlen(ledgerOutboxKeys(redis.prefix).stream)).toBe(10);
    expect(lost).toEqual([]);

    pg.up = true;
    while (drain.stored < 10 && Date.now() < deadline + 10_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(drain.stored).toBe(10);
    const { rows } = await direct.client.query<{ n: number; keys: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT call_key)::int AS keys
         FROM "${direct.schema}".switchyard_calls WHERE job_id LIKE 'job-down-%'`,
    );
    expect(rows[0]).toEqual({ n: 10, keys: 10 });
    expect(await redis.redis.xlen(ledgerOutboxKeys(redis.prefix).stream)).toBe(0);
    expect(lost).toEqual([]);
  }, 30_000);
});
