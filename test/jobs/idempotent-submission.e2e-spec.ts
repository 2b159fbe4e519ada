import { IdempotencyStore, JobStore, type JobRecord } from '@switchyard/jobs';
import { SwitchyardStack } from '@switchyard/testing';

const body = (text: string) => ({
  task: 'reasoning',
  messages: [{ role: 'user' as const, content: text }],
});

/**
 * Issue 14, items 7 and 8: a submission whose enqueue failed after its record was written, and
 * many concurrent submissions with one Idempotency-Key.
 */
describe('idempotent submission', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({ providers: ['openai'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('queues hop 0 again when a replay finds the job still queued (its first enqueue failed)', async () => {
    // A real job gives a real plan; the state under test is then written with the real stores:
    // the key's claim and the job record exist, but hop 0 never reached the queue (the client
    // got a 503 from the enqueue and retries).
    const model = await stack.submit(body('a job for its plan'));
    expect(model.status).toBe(202);
    const planned = await stack.waitForJob(model.body.id);
    expect(planned.status).toBe('succeeded');
    const jobs = new JobStore(stack.redis.redis, stack.redis.prefix, 3600);
    const idempotency = new IdempotencyStore(stack.redis.redis, stack.redis.prefix);
    const template = (await jobs.get(model.body.id)) as JobRecord;

    const retried = body('enqueue failed after the record was written');
    const id = `job_stranded${Date.now().toString(36)}`;
    const now = new Date();
    const claim = await idempotency.claim(
      'acme',
      'key-stranded',
      IdempotencyStore.fingerprint('reasoning', { messages: retried.messages }),
      id,
    );
    expect(claim.outcome).toBe('new');
    expect(
      await jobs.create({
        ...template,
        id,
        status: 'queued',
        request: { messages: retried.messages },
        deadline_at: now.getTime() + 600_000,
        cost_usd: 0,
        current_hop: 0,
        result: undefined,
        started_at: undefined,
        finished_at: undefined,
        finalized_by: undefined,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      }),
    ).toBe(true);

    const replay = await stack.submit(retried, { 'idempotency-key': 'key-stranded' });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(id);
    const done = await stack.waitForJob(id, 20_000);
    expect(done).toMatchObject({ status: 'succeeded', result: { provider: 'openai' } });

    // A second replay of the finished job queues nothing: still one call for it.
    const again = await stack.submit(retried, { 'idempotency-key': 'key-stranded' });
    expect(again).toMatchObject({ status: 202, body: { id, status: 'succeeded' } });
    const calls = await stack.request('GET', `/v1/jobs/${id}`);
    expect(calls.body.attempts).toHaveLength(1);
  });

  it('makes one job of many concurrent requests with one key, which stays finished after late replays', async () => {
    const submit = () =>
      stack.submit(body('one key, many requests'), { 'idempotency-key': 'key-many' });
    const answers = await Promise.all(Array.from({ length: 30 }, submit));
    for (const a of answers) expect(a.status).toBe(202);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    const [id] = [...ids];
    expect((await stack.waitForJob(id)).status).toBe('succeeded');

    const late = await Promise.all(Array.from({ length: 10 }, submit));
    for (const a of late) expect(a.body).toMatchObject({ id, status: 'succeeded' });
    const job = await stack.request('GET', `/v1/jobs/${id}`);
    expect(job.body.status).toBe('succeeded');
    expect(job.body.attempts).toHaveLength(1);
  });
});
