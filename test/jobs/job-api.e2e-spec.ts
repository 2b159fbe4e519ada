import { SwitchyardStack } from '@switchyard/testing';

const hello = { task: 'reasoning', messages: [{ role: 'user', content: 'hello there' }] };

describe('job API over REST (ingress, router and one worker per provider as separate processes)', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('accepts a job with 202 and the planned route, then it succeeds with the served model revision', async () => {
    const submitted = await stack.submit(hello);
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({
      status: 'queued',
      task: 'reasoning',
      plan: [
        { provider: 'openai', model: 'gpt-4o-mini' },
        { provider: 'anthropic', model: 'claude-haiku-4-5' },
        { provider: 'google', model: 'gemini-2.5-flash' },
      ],
    });
    expect(submitted.body.id).toMatch(/^job_/);
    expect(Date.parse(submitted.body.created_at)).not.toBeNaN();

    const job = await stack.waitForJob(submitted.body.id);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({
      text: 'echo: hello there',
      provider: 'openai',
      model: 'gpt-4o-mini',
      model_revision: 'gpt-4o-mini-2024-07-18',
      finish_reason: 'stop',
    });
    expect(job.result.usage.input_tokens).toBeGreaterThan(0);
    expect(job.result.cost_usd).toBeGreaterThan(0);
    expect(job.attempts).toHaveLength(1);
    expect(job.attempts[0]).toMatchObject({ provider: 'openai', status: 'succeeded' });
    expect(job.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('returns the finished job with 200 under Prefer: wait', async () => {
    const res = await stack.submit(hello, { prefer: 'wait=10' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('succeeded');
    expect(res.body.result.text).toBe('echo: hello there');
  });

  it('returns the same job for the same Idempotency-Key and body, and 409 for a different body', async () => {
    const key = `idem-${Date.now()}`;
    const first = await stack.submit(hello, { 'idempotency-key': key });
    const again = await stack.submit(hello, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    const other = await stack.submit(
      { ...hello, messages: [{ role: 'user', content: 'something else' }] },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(409);
    expect(other.body.error.type).toBe('idempotency_conflict');

    const listed = await stack.request('GET', '/v1/jobs?task=reasoning&limit=100');
    expect(listed.body.jobs.filter((j: { id: string }) => j.id === first.body.id)).toHaveLength(1);
  });

  it('names the missing field: a body without task gets 400 naming task', async () => {
    const res = await stack.submit({ messages: hello.messages } as never);
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('invalid_request');
    expect(res.body.error.details).toEqual([{ field: 'task', problem: 'is required' }]);
  });

  it('names each bad field with its path', async () => {
    const res = await stack.submit({
      task: 'reasoning',
      messages: [
        {
          role: 'bot',
          content: [
            { type: 'text', text: 'x' },
            { type: 'image', url: 'ftp://x' },
          ],
        },
      ],
      temperature: 3,
    });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['messages[0].content[1].url', 'messages[0].role', 'temperature']);
  });

  it('answers malformed JSON with 400 invalid_json, an unknown task with 422 listing the known ones', async () => {
    const bad = await stack.request('POST', '/v1/jobs', '{"task": nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('invalid_json');

    const unknown = await stack.submit({ ...hello, task: 'poetry' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.type).toBe('unknown_task');
    expect(unknown.body.error.known_tasks).toEqual(['chat', 'extraction', 'reasoning', 'vision']);
  });

  it('refuses a budget that loosens the task budget, naming the field', async () => {
    const res = await stack.submit({ ...hello, budget: { max_cost_usd: 5 } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('budget.max_cost_usd');
    expect(res.body.error.details[0].problem).toMatch(/only tighten/);
  });

  it("hides one tenant's job from another: 404, exactly like a missing job", async () => {
    const submitted = await stack.submit(hello);
    const mine = await stack.request('GET', `/v1/jobs/${submitted.body.id}`);
    expect(mine.status).toBe(200);
    const theirs = await stack.request(
      'GET',
      `/v1/jobs/${submitted.body.id}`,
      undefined,
      {},
      'globex',
    );
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.type).toBe('not_found');
    const noKey = await stack.request('GET', `/v1/jobs/${submitted.body.id}`, undefined, {}, null);
    expect(noKey.status).toBe(401);
  });

  it('lists the caller’s jobs newest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await stack.submit(hello, {}, 'globex')).body.id);
    const page1 = await stack.request('GET', '/v1/jobs?limit=2', undefined, {}, 'globex');
    expect(page1.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    const page2 = await stack.request(
      'GET',
      `/v1/jobs?limit=2&cursor=${page1.body.next_cursor}`,
      undefined,
      {},
      'globex',
    );
    expect(page2.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
  });

  it('cancels a job that has not finished and never runs it', async () => {
    stack.sim.addFault({ provider: 'openai', latency_ms: 1500 });
    try {
      const submitted = await stack.submit(hello);
      const cancelled = await stack.request('DELETE', `/v1/jobs/${submitted.body.id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      const again = await stack.request('DELETE', `/v1/jobs/${submitted.body.id}`);
      expect(again.status).toBe(409);
      await new Promise((r) => setTimeout(r, 2000));
      const job = await stack.request('GET', `/v1/jobs/${submitted.body.id}`);
      expect(job.body.status).toBe('cancelled');
      expect(job.body.result).toBeUndefined();
    } finally {
      stack.sim.clearFaults();
    }
  });

  it('cancel aborts the provider call that is running, bills it as an estimate and counts nothing against the circuit', async () => {
    // The provider takes 8 s to answer: an attempt that ends sooner was aborted by the cancel.
    stack.sim.addFault({ provider: 'openai', latency_ms: 8000 });
    try {
      const submitted = await stack.submit(hello);
      const id = submitted.body.id;
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      let job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      for (let i = 0; i < 100 && job.attempts?.[0]?.status !== 'running'; i++) {
        await sleep(50);
        job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      }
      expect(job.attempts[0]).toMatchObject({ provider: 'openai', status: 'running' });
      await sleep(300);
      const openaiCircuit = async () =>
        (await stack.request('GET', '/v1/providers')).body.providers.find(
          (p: { name: string }) => p.name === 'openai',
        ).circuit;
      const failuresBefore = (await openaiCircuit()).consecutive_failures;
      const cancelledAt = Date.now();
      expect((await stack.request('DELETE', `/v1/jobs/${id}`)).status).toBe(200);
      // The cancel marks the attempt failed at once; the worker's record of the call (its latency
      // and cost) follows when the call ends: at once when aborted, after 8 s when not.
      for (let i = 0; i < 100 && job.attempts?.[0]?.latency_ms === undefined; i++) {
        await sleep(50);
        job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
      }
      expect(Date.now() - cancelledAt).toBeLessThan(4000);
      expect(job.status).toBe('cancelled');
      expect(job.attempts).toHaveLength(1);
      expect(job.attempts[0]).toMatchObject({ provider: 'openai', status: 'failed' });
      expect(job.attempts[0].latency_ms).toBeLessThan(5000);
      // gpt-4o-mini's estimated prompt at $0.15 per M tokens: the provider had the request.
      expect(job.attempts[0].cost_usd).toBeGreaterThan(0);
      expect(job.cost_usd).toBeCloseTo(job.attempts[0].cost_usd, 12);
      // A call the worker aborted because the job ended says nothing about the provider.
      expect((await openaiCircuit()).consecutive_failures).toBe(failuresBefore);
    } finally {
      stack.sim.clearFaults();
    }
  });

  it('serves probes and the OpenAPI document', async () => {
    expect((await stack.request('GET', '/healthz', undefined, {}, null)).status).toBe(200);
    const ready = await stack.request('GET', '/readyz', undefined, {}, null);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { redis: 'ok', routing_table: 'loaded' },
    });
    const doc = await stack.request('GET', '/docs/openapi.json', undefined, {}, null);
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}']),
    );
    expect(doc.body.components.schemas.CreateJobDto.required).toEqual(
      expect.arrayContaining(['task', 'messages']),
    );
  });
});
