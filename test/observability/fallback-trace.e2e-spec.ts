import { randomBytes } from 'node:crypto';
import { SwitchyardStack, TENANT_KEYS, WebhookTestReceiver } from '@switchyard/testing';
import { OtlpTraceReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { waitFor } from '@switchyard/testing';
import { metricValue } from './observability-helpers';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

/**
 * Issue 6, tracing and the ledger across real processes: ingress, router, an openai worker, an
 * anthropic worker and the webhook dispatcher all export OTLP/HTTP JSON to a receiver in this test.
 */
describe('a job that fell back: one trace across processes, two ledger rows, metrics', () => {
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  /** A word that only the prompt contains, to find it wherever it might leak. */
  const promptMarker = `zebra-${randomBytes(6).toString('hex')}`;
  let otlp: OtlpTraceReceiver;
  let hooks: WebhookTestReceiver;
  let stack: SwitchyardStack;
  let job: any;
  let spans: ReceivedSpan[];
  let openaiCalls = 0;

  beforeAll(async () => {
    otlp = await OtlpTraceReceiver.start();
    hooks = new WebhookTestReceiver(webhookSecret);
    await hooks.listen();
    stack = await SwitchyardStack.start({
      ledger: true,
      dispatcher: true,
      providers: ['openai', 'anthropic', 'google'],
      env: { ...otlp.exporterEnv(200), SWITCHYARD_WEBHOOK_SECRET: webhookSecret },
    });

    // The primary fails every call; the job has to fall back to anthropic.
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 500 });
    const submitted = await stack.submit({
      task: 'reasoning',
      messages: [{ role: 'user', content: `summarise the ${promptMarker} report` }],
      webhook_url: hooks.url('/job-done'),
    });
    expect(submitted.status).toBe(202);
    job = await stack.waitForJob(submitted.body.id);
    stack.sim.clearFaults();
    openaiCalls = stack.sim.stats().providers.openai?.total ?? 0;

    // Every process's spans are in once the trace is closed: a single root and every parent known.
    spans = await otlp.waitForTrace(job.trace_id, (s) => {
      const names = new Set(s.map((x) => x.name));
      const ids = new Set(s.map((x) => x.spanId));
      return (
        ['chat gpt-4o-mini', 'switchyard.route', 'chat claude-haiku-4-5', 'webhook.deliver'].every(
          (n) => names.has(n),
        ) &&
        s.filter((x) => x.name === 'chat gpt-4o-mini').length === openaiCalls &&
        s.some((x) => x.serviceName === 'switchyard-ingress' && x.kind === SERVER) &&
        s.every((x) => !x.parentSpanId || ids.has(x.parentSpanId))
      );
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await hooks?.close();
    await otlp?.close();
  });

  const only = (name: string): ReceivedSpan => {
    const found = spans.filter((s) => s.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('succeeds on the fallback after the primary failed', () => {
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(job.trace_id).toMatch(/^[0-9a-f]{32}$/);
    // The task allows two tries on the same provider before falling back.
    expect(openaiCalls).toBe(2);
    expect(job.attempts.map((a: { provider: string; status: string }) => a.status)).toEqual([
      'failed',
      'failed',
      'succeeded',
    ]);
  });

  it('is ONE trace rooted at the ingress request, with every parent in the trace', () => {
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots).toHaveLength(1);
    const [root] = roots;
    expect(root.serviceName).toBe('switchyard-ingress');
    expect(root.kind).toBe(SERVER);
    expect(root.name).toMatch(/^POST/);
    expect(JSON.stringify(root.attributes)).toContain('/v1/jobs');
    for (const s of spans.filter((x) => x !== root)) expect(ids.has(s.parentSpanId)).toBe(true);

    // Five separate processes contributed: the exporting process ids differ.
    const pidOf = (s: ReceivedSpan) => s.resource['process.pid'];
    const processPids = (name: string) => stack.process(name).pid;
    expect(pidOf(root)).toBe(processPids('ingress'));
    expect(pidOf(only('switchyard.route'))).toBe(processPids('router'));
    expect(pidOf(only('chat claude-haiku-4-5'))).toBe(processPids('worker-anthropic'));
    expect(pidOf(only('webhook.deliver'))).toBe(processPids('dispatcher'));
    for (const s of spans.filter((x) => x.name === 'chat gpt-4o-mini')) {
      expect(pidOf(s)).toBe(processPids('worker-openai'));
    }
    expect(new Set(spans.map((s) => s.serviceName))).toEqual(
      new Set([
        'switchyard-ingress',
        'switchyard-router',
        'switchyard-worker',
        'switchyard-dispatcher',
      ]),
    );
  });

  it('hangs the fallback call under the router decision that moved the job', () => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan): string[] => {
      const names: string[] = [];
      for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) names.push(p.name);
      return names;
    };
    expect(ancestors(only('chat claude-haiku-4-5'))).toContain('switchyard.route');
    for (const s of spans.filter((x) => x.name === 'chat gpt-4o-mini')) {
      expect(ancestors(s)).not.toContain('switchyard.route');
    }
  });

  it('records each failed primary call as an error GenAI span', () => {
    const failed = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(failed).toHaveLength(openaiCalls);
    for (const s of failed) {
      expect(s.kind).toBe(CLIENT);
      expect(s.statusCode).toBe(ERROR);
      expect(s.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'error.type': 'server_error',
        'switchyard.task': 'reasoning',
        'switchyard.job_id': job.id,
        'switchyard.attempt': 1,
      });
      expect(s.attributes['gen_ai.response.model']).toBeUndefined();
    }
  });

  it('records the router decision and the fallback call with its revision, usage and cost', () => {
    const route = only('switchyard.route');
    expect(route.serviceName).toBe('switchyard-router');
    expect(route.attributes).toMatchObject({
      'switchyard.job_id': job.id,
      // the failed first attempt, numbered as on its call span
      'switchyard.attempt': 1,
      'switchyard.fallback_reason': 'server_error',
    });

    const fallback = only('chat claude-haiku-4-5');
    expect(fallback.kind).toBe(CLIENT);
    expect(fallback.statusCode).not.toBe(ERROR);
    expect(fallback.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-haiku-4-5',
      'gen_ai.response.model': job.result.model_revision,
      'gen_ai.usage.input_tokens': job.result.usage.input_tokens,
      'gen_ai.usage.output_tokens': job.result.usage.output_tokens,
      'gen_ai.response.finish_reasons': [job.result.finish_reason],
      'switchyard.task': 'reasoning',
      'switchyard.job_id': job.id,
      'switchyard.attempt': 2,
      'switchyard.fallback_reason': 'server_error',
    });
    expect(fallback.attributes['error.type']).toBeUndefined();
    expect(fallback.attributes['switchyard.cost_usd']).toBeCloseTo(job.result.cost_usd, 12);
    expect(job.result.model_revision).toMatch(/^claude-haiku-4-5-/);
    expect(job.result.usage.input_tokens).toBeGreaterThan(0);
  });

  it('puts no API key, webhook secret, prompt or output on any span the stack exported', () => {
    expect(otlp.spans.length).toBeGreaterThanOrEqual(spans.length);
    /** Spans whose name, attributes or resource contain `needle`, as "service: name {attrs}". */
    const carrying = (needle: string | RegExp) =>
      otlp.spans
        .map((s) => `${s.serviceName}: ${s.name} ${JSON.stringify([s.attributes, s.resource])}`)
        .filter((text) => (typeof needle === 'string' ? text.includes(needle) : needle.test(text)));
    for (const key of Object.values(TENANT_KEYS)) expect(carrying(key)).toEqual([]);
    expect(carrying(webhookSecret.slice('whsec_'.length))).toEqual([]);
    expect(carrying(/Bearer /i)).toEqual([]);
    // Content capture is off by default: neither the prompt nor the answer is recorded.
    expect(carrying(promptMarker)).toEqual([]);
    expect(carrying(job.result.text)).toEqual([]);
    expect(carrying('gen_ai.input.messages')).toEqual([]);
    expect(carrying('gen_ai.output.messages')).toEqual([]);
  });

  it('keeps both calls of the job in the ledger, visible to its tenant only', async () => {
    const calls = await waitFor(
      async () => (await stack.request('GET', `/v1/calls?job_id=${job.id}`)).body,
      (body) => body?.calls?.length === openaiCalls + 1,
      'both calls of the job in the ledger',
    );
    // Newest first: the fallback call, then the primary's failed tries.
    const [success, ...failures] = calls.calls;
    expect(success).toMatchObject({
      job_id: job.id,
      tenant: 'acme',
      task: 'reasoning',
      attempt: 2,
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      model_revision: job.result.model_revision,
      input_tokens: job.result.usage.input_tokens,
      output_tokens: job.result.usage.output_tokens,
      error_type: null,
      fallback_reason: 'server_error',
      trace_id: job.trace_id,
    });
    expect(success.cost_usd).toBeCloseTo(job.result.cost_usd, 12);
    expect(success.cost_usd).toBeGreaterThan(0);
    expect(failures).toHaveLength(openaiCalls);
    for (const f of failures) {
      expect(f).toMatchObject({
        job_id: job.id,
        attempt: 1,
        provider: 'openai',
        model: 'gpt-4o-mini',
        model_revision: null,
        error_type: 'server_error',
        input_tokens: null,
        cost_usd: 0,
        trace_id: job.trace_id,
      });
    }
    // The routing table's default ledger policy keeps prompt and response (traces never do).
    expect(success.prompt).toEqual([
      { role: 'user', content: `summarise the ${promptMarker} report` },
    ]);
    expect(success.response).toBe(job.result.text);
    for (const key of Object.values(TENANT_KEYS)) expect(JSON.stringify(calls)).not.toContain(key);

    const other = await stack.request('GET', `/v1/calls?job_id=${job.id}`, undefined, {}, 'globex');
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ calls: [], next_cursor: null });
    const otherStats = await stack.request('GET', '/v1/stats', undefined, {}, 'globex');
    expect(otherStats.body).toEqual({ group_by: 'model_revision', groups: [] });
    const mine = await stack.request('GET', '/v1/stats?group_by=provider');
    expect(
      mine.body.groups.map((g: { group: string; calls: number }) => [g.group, g.calls]),
    ).toEqual([
      ['openai', openaiCalls],
      ['anthropic', 1],
    ]);
  });

  it('pages through /v1/calls with the cursor it hands out', async () => {
    const first = await stack.request('GET', `/v1/calls?job_id=${job.id}&limit=2`);
    expect(first.body.calls).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await stack.request(
      'GET',
      `/v1/calls?job_id=${job.id}&limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`,
    );
    expect(second.body.calls).toHaveLength(openaiCalls + 1 - 2);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.calls, ...second.body.calls].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(openaiCalls + 1);
  });

  it.each([
    ['/v1/stats?group_by=tenant', 'group_by'],
    ['/v1/stats?since=last-tuesday', 'since'],
    ['/v1/calls?since=not-a-date', 'since'],
    ['/v1/calls?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['/v1/calls?cursor=%%%', 'cursor'],
    ['/v1/calls?limit=0', 'limit'],
    ['/v1/calls?job_id=a&job_id=b', 'job_id'],
    ['/v1/stats?task=reasoning&task=chat', 'task'],
  ])('answers 400 naming the field for %s', async (path, field) => {
    const res = await stack.request('GET', path);
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('invalid_request');
    expect(res.body.error.details).toEqual([{ field, problem: expect.any(String) }]);
  });

  it('shows the job and provider-call series on /metrics of the workers and the ingress', async () => {
    const scrape = async (name: string) => {
      const res = await fetch(`http://127.0.0.1:${stack.process(name).port}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const openai = await scrape('worker-openai');
    expect(
      metricValue(openai, 'switchyard_provider_calls_total', {
        provider: 'openai',
        model: 'gpt-4o-mini',
        outcome: 'server_error',
      }),
    ).toBe(openaiCalls);
    expect(
      metricValue(openai, 'switchyard_provider_call_duration_seconds_count', {
        provider: 'openai',
        model: 'gpt-4o-mini',
      }),
    ).toBe(openaiCalls);

    const anthropic = await scrape('worker-anthropic');
    const labels = { provider: 'anthropic', model: 'claude-haiku-4-5' };
    expect(
      metricValue(anthropic, 'switchyard_provider_calls_total', { ...labels, outcome: 'success' }),
    ).toBe(1);
    expect(metricValue(anthropic, 'switchyard_tokens_total', { ...labels, type: 'input' })).toBe(
      job.result.usage.input_tokens,
    );
    expect(
      metricValue(anthropic, 'switchyard_cost_usd_total', { task: 'reasoning', ...labels }),
    ).toBeCloseTo(job.result.cost_usd, 12);
    // The worker that finished the job counts it.
    expect(
      metricValue(anthropic, 'switchyard_jobs_total', { task: 'reasoning', status: 'succeeded' }),
    ).toBe(1);

    // The ingress ends jobs itself when they are cancelled. `chat` runs on groq, which has no
    // worker in this stack, so the job stays queued until it is cancelled.
    const queued = await stack.submit({
      task: 'chat',
      messages: [{ role: 'user', content: 'never served' }],
    });
    expect(queued.status).toBe(202);
    const cancelled = await stack.request('DELETE', `/v1/jobs/${queued.body.id}`);
    expect(cancelled.status).toBeLessThan(300);
    const ingress = await scrape('ingress');
    expect(
      metricValue(ingress, 'switchyard_jobs_total', { task: 'chat', status: 'cancelled' }),
    ).toBe(1);
    expect(ingress).toContain('# TYPE switchyard_provider_calls_total counter');
  });

  it('marks schema checks only on calls that returned an answer', async () => {
    const extraction = (n: number) => ({
      task: 'extraction',
      messages: [{ role: 'user', content: `classify item ${n}` }],
      response_format: {
        type: 'json_schema',
        schema: {
          type: 'object',
          properties: { label: { type: 'string' } },
          required: ['label'],
        },
      },
    });
    // One primary call fails outright (no answer to check), one answers with schema-breaking JSON;
    // both jobs end on the google fallback with valid JSON.
    const ids: string[] = [];
    for (const [n, fault] of [
      [1, { provider: 'openai', error_rate: 1, status: 500 }],
      [2, { provider: 'openai', break_schema: true }],
    ] as const) {
      stack.sim.addFault(fault);
      const submitted = await stack.submit(extraction(n));
      const done = await stack.waitForJob(submitted.body.id);
      stack.sim.clearFaults();
      expect(done).toMatchObject({ status: 'succeeded', result: { provider: 'google' } });
      ids.push(done.id);
    }

    const rows = await waitFor(
      () => stack.request('GET', '/v1/calls?task=extraction'),
      (res) => res.body?.calls?.length === 4,
      'the four extraction calls in the ledger',
    );
    const verdicts = (rows.body.calls as any[])
      .map((c) => [c.job_id === ids[0] ? 1 : 2, c.provider, c.error_type, c.schema_valid])
      .sort();
    expect(verdicts).toEqual([
      [1, 'google', null, true],
      [1, 'openai', 'server_error', null],
      [2, 'google', null, true],
      [2, 'openai', 'invalid_output', false],
    ]);
    // So the invalid-output rate counts answers only: openai gave one answer, and it was invalid.
    const stats = await stack.request('GET', '/v1/stats?task=extraction&group_by=provider');
    const byProvider = Object.fromEntries(
      (stats.body.groups as any[]).map((g) => [g.group, g.invalid_output_rate]),
    );
    expect(byProvider).toEqual({ openai: 1, google: 0 });
  });
});
