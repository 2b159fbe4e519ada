import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { ABANDONED_ATTEMPT_MESSAGE, JobStore, ledgerOutboxKeys } from './job-store';
import type { AttemptRecord, JobRecord } from './job.types';

const RETENTION_S = 3600;

function jobRecord(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  const now = new Date();
  return {
    id,
    tenant: 'acme',
    task: 'reasoning',
    status: 'queued',
    request: { messages: [{ role: 'user', content: 'hi' }] },
    plan: {
      candidates: [
        { provider: 'openai', model: 'gpt-x', estimated_cost_usd: 0.001, max_tokens: 100 },
      ],
      skipped: [],
      estimated_input_tokens: 1,
      max_tokens: 100,
    },
    deadline_at: now.getTime() + 600_000,
    cost_usd: 0,
    current_hop: 0,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    ...overrides,
  };
}

const running = (hop: number, tryNumber = 0): AttemptRecord => ({
  hop,
  try: tryNumber,
  provider: 'openai',
  model: 'gpt-x',
  status: 'running',
  started_at: new Date().toISOString(),
});

const RESULT = {
  text: 'ok',
  provider: 'openai',
  model: 'gpt-x',
  model_revision: 'r1',
  finish_reason: 'stop' as const,
  usage: { input_tokens: 1, output_tokens: 1 },
  cost_usd: 0.001,
  latency_ms: 5,
};

describe('JobStore', () => {
  let t: TestRedis;
  let store: JobStore;

  beforeAll(() => {
    t = createTestRedis('jobstore');
    store = new JobStore(t.redis, t.prefix, RETENTION_S);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  describe('create', () => {
    it('writes a job only when none with its id exists, so a late second writer cannot reset a finished job', async () => {
      // The race of two requests with one Idempotency-Key, forced: the second one's write comes
      // after the first one's job already ran and succeeded.
      expect(await store.create(jobRecord('job_race'))).toBe(true);
      expect(await store.succeed('job_race', RESULT, 'h0')).toBe('finalized');
      expect(await store.create(jobRecord('job_race'))).toBe(false);
      const job = await store.get('job_race');
      expect(job).toMatchObject({ status: 'succeeded', finalized_by: 'h0', result: RESULT });
      // and the finished job is not put back among the active ones the deadline sweeper ends
      expect(await store.overdue(Number.MAX_SAFE_INTEGER)).not.toContain('job_race');
    });

    it('lets exactly one of many concurrent creates of one id win', async () => {
      const results = await Promise.all(
        Array.from({ length: 25 }, () => store.create(jobRecord('job_many'))),
      );
      expect(results.filter((created) => created)).toHaveLength(1);
    });

    it("gives the tenant's job index the job retention, so a tenant that goes quiet leaves nothing behind", async () => {
      await store.create(jobRecord('job_ttl', { tenant: 'quiet' }));
      const ttl = await t.redis.ttl(`${t.prefix}:tenant:quiet:jobs`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(RETENTION_S);
    });
  });

  describe('beginAttempt', () => {
    it('marks a queued job running and returns the record as stored after the transition', async () => {
      const job = jobRecord('job_begin', { pin: 'openai/gpt-x', max_cost_usd: 0.5 });
      await store.create(job);
      const now = new Date(Date.parse(job.created_at) + 5);
      const begun = await store.beginAttempt('job_begin', now);
      expect(begun).toEqual({
        ...job,
        status: 'running',
        started_at: now.toISOString(),
        updated_at: now.toISOString(),
      });
      expect(await store.get('job_begin')).toEqual(begun);
    });

    it('leaves a job that is already running or ended as it is', async () => {
      await store.create(jobRecord('job_begin_twice'));
      const first = await store.beginAttempt('job_begin_twice', new Date(1_000));
      const second = await store.beginAttempt('job_begin_twice', new Date(2_000));
      expect(second).toEqual(first);
      await store.cancel('job_begin_twice');
      expect(await store.beginAttempt('job_begin_twice')).toMatchObject({ status: 'cancelled' });
    });

    it('returns null for a job that does not exist', async () => {
      expect(await store.beginAttempt('job_missing')).toBeNull();
    });
  });

  describe('attempt records', () => {
    it('expire with the job: the first record of each try sets the retention, its outcome keeps it', async () => {
      await store.create(jobRecord('job_attempt_ttl'));
      await store.putAttempt('job_attempt_ttl', running(0));
      const key = `${t.prefix}:job:job_attempt_ttl:attempts`;
      const first = await t.redis.ttl(key);
      expect(first).toBeGreaterThan(RETENTION_S - 5);
      expect(first).toBeLessThanOrEqual(RETENTION_S);
      await store.putAttempt('job_attempt_ttl', { ...running(0), status: 'succeeded' });
      expect(await t.redis.ttl(key)).toBeGreaterThan(RETENTION_S - 5);
      // An outcome whose running mark was never written still sets it.
      await t.redis.del(key);
      await store.putAttempt('job_attempt_ttl', { ...running(1), status: 'failed' });
      expect(await t.redis.ttl(key)).toBeGreaterThan(RETENTION_S - 5);
      expect((await store.attempts('job_attempt_ttl')).map((a) => a.status)).toEqual(['failed']);
    });
  });

  describe("the job's cost", () => {
    it("adds the result's cost to what failed calls cost, once, whoever re-runs the end", async () => {
      await store.create(jobRecord('job_cost'));
      await store.addCost('job_cost', 0.0002);
      expect(await store.succeed('job_cost', RESULT, 'h1')).toBe('finalized');
      expect(await store.succeed('job_cost', RESULT, 'h1')).toBe('already_finalized_by_me');
      expect(await store.succeed('job_cost', RESULT, 'h2')).toBe('already_terminal');
      expect((await store.get('job_cost'))?.cost_usd).toBe(0.0002 + RESULT.cost_usd);
    });

    it('charges nothing for a failure or a free answer', async () => {
      await store.create(jobRecord('job_free'));
      await store.succeed('job_free', { ...RESULT, cost_usd: 0 }, 'h0');
      expect((await store.get('job_free'))?.cost_usd).toBe(0);
      await store.create(jobRecord('job_failed_cost'));
      await store.fail('job_failed_cost', { type: 'server_error', message: 'x' }, 'h0');
      expect((await store.get('job_failed_cost'))?.cost_usd).toBe(0);
    });
  });

  describe('terminal jobs have only terminal attempts', () => {
    it('closes an attempt left running (its process died) when the job ends', async () => {
      await store.create(jobRecord('job_abandoned'));
      await store.putAttempt('job_abandoned', running(0));
      await store.putAttempt('job_abandoned', { ...running(1), status: 'failed' });
      expect(
        await store.fail('job_abandoned', { type: 'deadline_exceeded', message: 'late' }, 'sweep'),
      ).toBe('finalized');
      const attempts = await store.attempts('job_abandoned');
      expect(attempts).toEqual([
        expect.objectContaining({
          hop: 0,
          status: 'failed',
          error: { type: 'attempt_abandoned', message: ABANDONED_ATTEMPT_MESSAGE },
        }),
        expect.objectContaining({ hop: 1, status: 'failed' }),
      ]);
      expect(attempts[0]).toMatchObject({ provider: 'openai', model: 'gpt-x', try: 0 });
    });

    it('does not record an attempt as running once its job has ended', async () => {
      await store.create(jobRecord('job_late_running'));
      await store.cancel('job_late_running');
      await store.putAttempt('job_late_running', running(0));
      expect(await store.attempts('job_late_running')).toEqual([]);
    });

    it('still records the outcome of an attempt that finishes after its job ended', async () => {
      await store.create(jobRecord('job_late_outcome'));
      await store.putAttempt('job_late_outcome', running(0));
      await store.cancel('job_late_outcome');
      await store.putAttempt('job_late_outcome', { ...running(0), status: 'succeeded' });
      expect(await store.attempts('job_late_outcome')).toEqual([
        expect.objectContaining({ hop: 0, status: 'succeeded' }),
      ]);
    });

    it('keeps the success of a try that a stale second run of the same try reports as failed', async () => {
      // A frozen worker whose lock lapsed wakes after another worker ran the try and succeeded;
      // its own late failure must not replace the record of the attempt the result came from.
      await store.create(jobRecord('job_stale_failure'));
      await store.putAttempt('job_stale_failure', running(0));
      await store.putAttempt('job_stale_failure', { ...running(0), status: 'succeeded' });
      await store.putAttempt('job_stale_failure', {
        ...running(0),
        status: 'failed',
        error: { type: 'timeout', message: 'no first token' },
      });
      expect(await store.attempts('job_stale_failure')).toEqual([
        expect.objectContaining({ hop: 0, try: 0, status: 'succeeded' }),
      ]);
    });
  });

  describe('ledger outbox', () => {
    const outbox = async () =>
      (await t.redis.xrange(ledgerOutboxKeys(t.prefix).stream, '-', '+')).map(
        ([, fields]) => fields[1],
      );

    it('leaves the ledger row in the outbox with the record that was written, and only then', async () => {
      await t.redis.del(ledgerOutboxKeys(t.prefix).stream);
      await store.create(jobRecord('job_outbox'));
      await store.putAttempt('job_outbox', running(0));
      expect(
        await store.putAttempt('job_outbox', { ...running(0), status: 'succeeded' }, '{"r":1}'),
      ).toBe(true);
      // A stale failure of the same try is not recorded, so its row does not go out either.
      expect(
        await store.putAttempt('job_outbox', { ...running(0), status: 'failed' }, '{"r":2}'),
      ).toBe(false);
      expect(await outbox()).toEqual(['{"r":1}']);
    });

    it("leaves a job's own row (a cached answer: no attempt) in the outbox with the winning end only", async () => {
      await t.redis.del(ledgerOutboxKeys(t.prefix).stream);
      await store.create(jobRecord('job_cached_row'));
      expect(await store.succeed('job_cached_row', RESULT, 'cache', { ledgerRow: '{"c":1}' })).toBe(
        'finalized',
      );
      // The same step again (a retried request), and a rival end: neither adds a row.
      expect(await store.succeed('job_cached_row', RESULT, 'cache', { ledgerRow: '{"c":2}' })).toBe(
        'already_finalized_by_me',
      );
      expect(
        await store.fail('job_cached_row', { type: 'timeout', message: 'late' }, 'sweeper', {
          ledgerRow: '{"c":3}',
        }),
      ).toBe('already_terminal');
      expect(await outbox()).toEqual(['{"c":1}']);
    });
  });

  describe('list', () => {
    it('never repeats a job within a filtered walk while jobs are being created on top', async () => {
      const tenant = 'busy';
      const base = Date.now() - 60_000;
      // 1 in 10 jobs matches the filter, so one page walks several batches of the index.
      for (let i = 0; i < 400; i++) {
        await store.create(
          jobRecord(`job_busy_${String(i).padStart(4, '0')}`, {
            tenant,
            task: i % 10 === 0 ? 'wanted' : 'other',
            created_at: new Date(base + i).toISOString(),
          }),
        );
      }
      let creating = true;
      let n = 0;
      const writer = (async () => {
        while (creating) {
          await store.create(
            jobRecord(`job_new_${n++}`, {
              tenant,
              task: 'other',
              created_at: new Date().toISOString(),
            }),
          );
        }
      })();
      try {
        for (let round = 0; round < 10; round++) {
          const page = await store.list(tenant, { task: 'wanted', limit: 30 });
          const ids = page.jobs.map((j) => j.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids).toHaveLength(30);
        }
      } finally {
        creating = false;
        await writer;
      }
      expect(n).toBeGreaterThan(0);
    });

    it('pages through jobs that share one created_at millisecond without gaps or repeats', async () => {
      const tenant = 'ties';
      const at = new Date(Date.now() - 1000).toISOString();
      const all: string[] = [];
      for (let i = 0; i < 120; i++) {
        const id = `job_tie_${String(i).padStart(3, '0')}`;
        all.push(id);
        await store.create(jobRecord(id, { tenant, created_at: at }));
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(tenant, { limit: 7, cursor });
        seen.push(...page.jobs.map((j) => j.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([...all].reverse());
    });
  });
});
