import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { JobEventLog, type AttemptIdentity } from './job-events';
import { JobStore } from './job-store';
import type { JobRecord } from './job.types';

const RETENTION_S = 3600;
const ATTEMPT: AttemptIdentity = { hop: 0, try: 0, provider: 'openai', model: 'gpt-x' };

function job(id: string): JobRecord {
  const now = new Date().toISOString();
  return {
    id,
    tenant: 'acme',
    task: 'reasoning',
    status: 'queued',
    request: { messages: [{ role: 'user', content: 'hi' }] },
    plan: { candidates: [], skipped: [], estimated_input_tokens: 1, max_tokens: 9 },
    deadline_at: Date.now() + 60_000,
    cost_usd: 0,
    current_hop: 0,
    created_at: now,
    updated_at: now,
  };
}

describe('JobEventLog', () => {
  let t: TestRedis;
  let log: JobEventLog;
  let store: JobStore;

  beforeAll(() => {
    t = createTestRedis('job-events');
    log = new JobEventLog(t.redis, t.prefix, RETENTION_S);
    store = new JobStore(t.redis, t.prefix, RETENTION_S);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('appends each batch in order and reads it back after an id', async () => {
    await log.append('job_order', [{ event: 'attempt.started', data: ATTEMPT }]);
    await log.append('job_order', [
      { event: 'delta', data: { text: 'he' } },
      { event: 'delta', data: { text: 'llo' } },
    ]);
    const all = await log.range('job_order', '0-0', 10);
    expect(all.map((e) => [e.event, e.data])).toEqual([
      ['attempt.started', ATTEMPT],
      ['delta', { text: 'he' }],
      ['delta', { text: 'llo' }],
    ]);
    expect((await log.range('job_order', all[0].id, 10)).map((e) => e.data)).toEqual([
      { text: 'he' },
      { text: 'llo' },
    ]);
  });

  it('expires with the job: the attempt that opens it and the terminal transition set the expiry', async () => {
    await store.create(job('job_ttl'));
    await log.append('job_ttl', [{ event: 'attempt.started', data: ATTEMPT }]);
    const opened = await t.redis.ttl(log.key('job_ttl'));
    expect(opened).toBeGreaterThan(RETENTION_S - 5);
    expect(opened).toBeLessThanOrEqual(RETENTION_S);
    await log.append('job_ttl', [{ event: 'delta', data: { text: 'x' } }]);
    expect(await t.redis.ttl(log.key('job_ttl'))).toBeGreaterThan(0);

    // Deltas of an attempt whose opening batch was lost still expire once the job ends.
    await store.create(job('job_lost_start'));
    await log.append('job_lost_start', [{ event: 'delta', data: { text: 'x' } }]);
    await store.fail('job_lost_start', { type: 'server_error', message: 'x' }, 'h0');
    const ended = await t.redis.ttl(log.key('job_lost_start'));
    expect(ended).toBeGreaterThan(RETENTION_S - 5);
    expect(ended).toBeLessThanOrEqual(RETENTION_S);
    expect((await log.range('job_lost_start', '0-0', 10)).map((e) => e.event)).toEqual([
      'delta',
      'job.failed',
    ]);
  });
});
