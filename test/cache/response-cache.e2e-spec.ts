import { resolve } from 'node:path';
import { REPO_ROOT, SwitchyardStack, WebhookTestReceiver, waitFor } from '@switchyard/testing';
import { readSse } from '../streaming/sse-client';

const ROUTES = resolve(REPO_ROOT, 'test/fixtures/routes.tenants.e2e.yaml');
const FIRST_REVISION = 'gpt-4o-mini-2024-07-18';
const LATER_REVISION = 'gpt-4o-mini-2099-01-01';

const body = (text: string, extra: object = {}) => ({
  task: 'cached',
  messages: [{ role: 'user', content: text }],
  temperature: 0,
  ...extra,
});

describe('response cache (task `cache: { ttl_s }`)', () => {
  let stack: SwitchyardStack;
  let hooks: WebhookTestReceiver;
  const openaiCalls = () => stack.sim.stats().providers.openai?.total ?? 0;
  const spentToday = async () =>
    (await stack.request('GET', '/v1/spend?task=cached')).body.spend[0].spent_usd as number;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['openai', 'anthropic'],
      routes: ROUTES,
      ledger: true,
      dispatcher: true,
    });
    hooks = new WebhookTestReceiver(stack.webhookSecret);
    await hooks.listen();
  });

  afterAll(async () => {
    await stack?.stop();
    await hooks?.close();
  });

  afterEach(() => stack.sim.clearFaults());

  it('answers a repeated request from the cache: no provider call, no cost, the original revision', async () => {
    const first = await stack.submit(body('What is the capital of France?'), { prefer: 'wait=20' });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('succeeded');
    expect(first.body.result).toMatchObject({ model_revision: FIRST_REVISION });
    expect(first.body.result.cached).toBeUndefined();
    expect(first.body.cost_usd).toBeGreaterThan(0);
    const spentAfterFirst = await spentToday();
    expect(spentAfterFirst).toBeGreaterThan(0);

    // The model is served as a new revision from now on: a fresh call would say so.
    stack.sim.addFault({ provider: 'openai', model: 'gpt-4o-mini', revision: LATER_REVISION });
    const callsBefore = openaiCalls();
    const hit = await stack.submit(body('What is the capital of France?'), { prefer: 'wait=20' });
    expect(hit.status).toBe(200);
    expect(hit.body).toMatchObject({
      status: 'succeeded',
      cost_usd: 0,
      cache_hit_of: first.body.id,
      result: {
        cached: true,
        cache_hit_of: first.body.id,
        text: first.body.result.text,
        provider: 'openai',
        model: 'gpt-4o-mini',
        model_revision: FIRST_REVISION,
        cost_usd: 0,
      },
    });
    expect(hit.body.id).not.toBe(first.body.id);
    expect(hit.body.attempts).toEqual([]);
    expect(openaiCalls()).toBe(callsBefore);
    expect(await spentToday()).toBe(spentAfterFirst);

    // The ledger row is marked cached and keeps the original call's provider and revision.
    const calls = await waitFor(
      async () => (await stack.request('GET', `/v1/calls?job_id=${hit.body.id}`)).body.calls,
      (rows: any[]) => rows.length > 0,
      'the cached ledger row',
    );
    expect(calls).toEqual([
      expect.objectContaining({
        job_id: hit.body.id,
        cached: true,
        provider: 'openai',
        model: 'gpt-4o-mini',
        model_revision: FIRST_REVISION,
        cost_usd: 0,
        error_type: null,
      }),
    ]);
    const original = (await stack.request('GET', `/v1/calls?job_id=${first.body.id}`)).body.calls;
    expect(original).toEqual([expect.objectContaining({ cached: false })]);

    // Another tenant asking the same never gets acme's answer.
    const theirs = await stack.submit(
      body('What is the capital of France?'),
      { prefer: 'wait=20' },
      'globex',
    );
    expect(theirs.body.result.cached).toBeUndefined();
    expect(theirs.body.result.model_revision).toBe(LATER_REVISION);

    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_cache_hits_total\{task="cached"\} [1-9]/);
    expect(metrics).toMatch(/switchyard_cache_misses_total\{task="cached"\} [1-9]/);
    expect(metrics).toMatch(/switchyard_cache_served_bytes_total\{task="cached"\} [1-9]/);
  });

  it('is bypassed by Cache-Control: no-cache (which stores the fresh answer) and by cache: false (which stores nothing)', async () => {
    const question = body('How many moons has Mars?');
    const first = await stack.submit(question, { prefer: 'wait=20' });
    expect(first.body.result.model_revision).toBe(FIRST_REVISION);
    stack.sim.addFault({ provider: 'openai', model: 'gpt-4o-mini', revision: LATER_REVISION });

    const callsBefore = openaiCalls();
    const fresh = await stack.submit(question, { prefer: 'wait=20', 'cache-control': 'no-cache' });
    expect(fresh.body.result.cached).toBeUndefined();
    expect(fresh.body.result.model_revision).toBe(LATER_REVISION);
    expect(fresh.body.cost_usd).toBeGreaterThan(0);
    expect(openaiCalls()).toBe(callsBefore + 1);
    // ...and the fresh answer replaced the entry.
    const next = await stack.submit(question, { prefer: 'wait=20' });
    expect(next.body).toMatchObject({ cache_hit_of: fresh.body.id });
    expect(next.body.result.model_revision).toBe(LATER_REVISION);

    const uncached = await stack.submit(body('How many moons has Mars?', { cache: false }), {
      prefer: 'wait=20',
    });
    expect(uncached.body.result.cached).toBeUndefined();
    expect(openaiCalls()).toBe(callsBefore + 2);
    const after = await stack.submit(question, { prefer: 'wait=20' });
    expect(after.body.cache_hit_of).toBe(fresh.body.id);
  });

  it('ends a hit at once for every listener: the 202 body, the events stream and the webhook', async () => {
    const question = body('Name a prime number.', { webhook_url: hooks.url('/done') });
    const first = await stack.submit(question, { prefer: 'wait=20' });
    expect(first.body.status).toBe('succeeded');

    const hit = await stack.submit(question);
    expect(hit.status).toBe(202);
    expect(hit.body).toMatchObject({
      status: 'succeeded',
      cached: true,
      cache_hit_of: first.body.id,
    });
    const events = await readSse(`${stack.baseUrl}/v1/jobs/${hit.body.id}/events`, {
      authorization: 'Bearer sk-acme-test-key-1',
    });
    expect(events.events.map((e) => e.event)).toEqual(['job.succeeded']);
    expect(events.events[0].data).toMatchObject({ cache_hit_of: first.body.id });

    const delivered = await waitFor(
      async () =>
        hooks
          .requestsTo('/done')
          .map((r) => JSON.parse(r.rawBody))
          .find((e) => e.data.id === hit.body.id) ?? null,
      () => true,
      'the webhook of the cache hit',
    );
    expect(delivered).toMatchObject({
      type: 'job.succeeded',
      data: { cache_hit_of: first.body.id, result: { cached: true } },
    });
  });

  it('never stores a failed job', async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 400 });
    const question = body('This one fails.');
    const failed = await stack.submit(question, { prefer: 'wait=20' });
    expect(failed.body.status).toBe('failed');
    stack.sim.clearFaults();
    const again = await stack.submit(question, { prefer: 'wait=20' });
    expect(again.body.status).toBe('succeeded');
    expect(again.body.result.cached).toBeUndefined();
    // The success was stored: the next one is a hit on it.
    const third = await stack.submit(question, { prefer: 'wait=20' });
    expect(third.body.cache_hit_of).toBe(again.body.id);
  });

  it("keeps a hit's ledger row when the ingress that answered it is killed at once", async () => {
    const question = body('Name the largest planet.');
    const first = await stack.submit(question, { prefer: 'wait=20' });
    expect(first.body.status).toBe('succeeded');
    await waitFor(
      async () => (await stack.request('GET', `/v1/calls?job_id=${first.body.id}`)).body.calls,
      (rows: any[]) => rows.length > 0,
      "the first job's ledger row",
    );
    // Every drainer of the ledger outbox (the router and the workers) stops: a hit needs none.
    const drainers = ['router', 'worker-openai', 'worker-anthropic'];
    for (const name of drainers) await stack.process(name).stop();
    const hit = await stack.submit(question, { prefer: 'wait=20' });
    expect(hit.body.cache_hit_of).toBe(first.body.id);
    // The row left with the job's end, into the outbox in Redis, not into this process's memory:
    // killed right after answering, the ingress loses nothing.
    await stack.process('ingress').stop('SIGKILL');
    const outbox = await stack.redis.redis.xrange(`${stack.redis.prefix}:ledger:outbox`, '-', '+');
    // (The first job's row may linger a moment between its INSERT and its XDEL: only the hit's.)
    const rows = outbox
      .map(([, fields]) => JSON.parse(fields[1]))
      .filter((row) => row.job_id === hit.body.id);
    expect(rows).toEqual([expect.objectContaining({ cached: true })]);
    // And the drainers, back, store it.
    await stack.restart('ingress');
    for (const name of drainers) await stack.restart(name);
    const calls = await waitFor(
      async () => (await stack.request('GET', `/v1/calls?job_id=${hit.body.id}`)).body.calls,
      (found: any[]) => found.length > 0,
      "the hit's ledger row after the ingress was killed",
    );
    expect(calls).toEqual([
      expect.objectContaining({
        job_id: hit.body.id,
        cached: true,
        model_revision: FIRST_REVISION,
      }),
    ]);
  });
});
