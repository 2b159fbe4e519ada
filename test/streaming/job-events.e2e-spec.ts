import type { FaultRule } from '@switchyard/simulator';
import { SwitchyardStack, TENANT_KEYS, waitFor } from '@switchyard/testing';
import { resetCircuits } from '../resilience/resilience-support';
import { lastAttemptText, readSse, type SseEvent } from './sse-client';

/** first_token_timeout_ms and stream_idle_timeout_ms of every provider in this suite. */
const STREAM_LIMIT_MS = 1000;

const PROMPT = 'one two three four five six seven';
const reasoning = (text = PROMPT) => ({
  task: 'reasoning',
  messages: [{ role: 'user', content: text }],
});

/**
 * Issue 17, streaming: every attempt streams from its provider; a job's deltas reach
 * GET /v1/jobs/:id/events as they arrive; a first token that is late or a stream that stalls is
 * a `timeout` by its own limit, and a cut stream is never a success; either way the job falls back
 * and ends with the whole answer of one attempt.
 */
describe('streaming attempts and GET /v1/jobs/:id/events', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['openai', 'anthropic', 'google'],
      ledger: true,
      env: {
        TEST_FIRST_TOKEN_TIMEOUT_MS: String(STREAM_LIMIT_MS),
        TEST_STREAM_IDLE_TIMEOUT_MS: String(STREAM_LIMIT_MS),
        SWITCHYARD_EVENTS_KEEPALIVE_MS: '300',
      },
    });
  });

  afterEach(async () => {
    if (!stack) return;
    stack.sim.clearFaults();
    await resetCircuits(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const events = (id: string, headers: Record<string, string> = {}, tenant = TENANT_KEYS.acme) =>
    readSse(`${stack.baseUrl}/v1/jobs/${id}/events`, {
      authorization: `Bearer ${tenant}`,
      ...headers,
    });
  const names = (list: SseEvent[]) => list.map((e) => e.event);
  const calls = async (jobId: string) =>
    (await stack.request('GET', `/v1/calls?job_id=${jobId}`)).body.calls as any[];

  it.each<[string, ReturnType<typeof reasoning>, FaultRule | Record<string, never>]>([
    ['openai', reasoning(), {}],
    // vision's primary is google
    ['google', { task: 'vision', messages: [{ role: 'user', content: PROMPT }] }, {}],
    // openai refuses the key: no retry, on to anthropic
    ['anthropic', reasoning(), { provider: 'openai', error_rate: 1, status: 401 }],
  ])('the deltas of the %s attempt concatenate to result.text', async (provider, body, fault) => {
    if ('provider' in fault) stack.sim.addFault(fault);
    const submitted = await stack.submit(body);
    expect(submitted.status).toBe(202);
    const stream = await events(submitted.body.id);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);

    const last = stream.events.at(-1) as SseEvent;
    expect(last.event).toBe('job.succeeded');
    expect(last.data).toMatchObject({ id: submitted.body.id, status: 'succeeded' });
    const result = last.data.result;
    expect(result).toMatchObject({ provider, text: `echo: ${PROMPT}` });
    expect(lastAttemptText(stream.events)).toBe(result.text);
    const started = stream.events.filter((e) => e.event === 'attempt.started').at(-1);
    expect(started?.data).toMatchObject({ provider, hop: expect.any(Number), try: 0 });
    // Every event carries its stream entry id, in order.
    const ids = stream.events.map((e) => e.id as string);
    expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
    expect([...ids].sort((a, b) => cmpIds(a, b))).toEqual(ids);
  });

  it('a finished job answers at once with its events and the terminal event; Last-Event-ID resumes after it', async () => {
    const submitted = await stack.submit(reasoning('resume me please'));
    const job = await stack.waitForJob(submitted.body.id);
    const started = Date.now();
    const all = await events(job.id);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(names(all.events)[0]).toBe('attempt.started');
    expect(all.events.at(-1)).toMatchObject({ event: 'job.succeeded', data: { id: job.id } });
    expect(all.events.at(-1)?.data.result.text).toBe(job.result.text);

    const resumed = await events(job.id, { 'last-event-id': all.events[0].id as string });
    expect(resumed.events).toEqual(all.events.slice(1));

    const bad = await events(job.id, { 'last-event-id': 'latest' });
    expect(bad.status).toBe(400);
    expect(bad.events[0].data.error.details).toEqual([
      { field: 'Last-Event-ID', problem: expect.any(String) },
    ]);
  });

  it("another tenant's job is 404, like a job that does not exist", async () => {
    const submitted = await stack.submit(reasoning('mine'));
    await stack.waitForJob(submitted.body.id);
    const other = await events(submitted.body.id, {}, TENANT_KEYS.globex);
    expect(other.status).toBe(404);
    expect(other.events[0].data.error.type).toBe('not_found');
    expect((await events('no-such-job')).status).toBe(404);
  });

  it('first token later than first_token_timeout_ms: timeout, and the job succeeds on the fallback within roughly the limit', async () => {
    stack.sim.addFault({ provider: 'openai', first_token_delay_ms: 10_000 });
    const started = Date.now();
    const submitted = await stack.submit(reasoning());
    const stream = await events(submitted.body.id);
    const job = await stack.waitForJob(submitted.body.id);
    const elapsed = Date.now() - started;

    expect(job.status).toBe('succeeded');
    expect(job.result.provider).toBe('anthropic');
    const failed = job.attempts.filter((a: any) => a.status === 'failed');
    // The task's two tries on openai, each ended by the first-token limit.
    expect(failed).toHaveLength(2);
    for (const attempt of failed) {
      expect(attempt).toMatchObject({ provider: 'openai', error: { type: 'timeout' } });
      expect(attempt.error.message).toMatch(/no first token within 1000 ms/);
      expect(attempt.latency_ms).toBeGreaterThanOrEqual(STREAM_LIMIT_MS - 50);
      expect(attempt.latency_ms).toBeLessThan(2 * STREAM_LIMIT_MS);
    }
    // Two limits and the fallback's answer: far from the 10 s the provider would have taken.
    expect(elapsed).toBeLessThan(6 * STREAM_LIMIT_MS);
    // Each attempt names its serving revision from the stream's opening frame, before any token.
    expect(names(stream.events)).toEqual([
      'attempt.started',
      'attempt.revision',
      'attempt.failed',
      'attempt.started',
      'attempt.revision',
      'attempt.failed',
      'attempt.started',
      'attempt.revision',
      ...names(stream.events).slice(8, -1),
      'job.succeeded',
    ]);
    expect(lastAttemptText(stream.events)).toBe(job.result.text);
  });

  it.each([
    ['stalls after 3 chunks', { stall_after_chunks: 3 }, ['timeout']],
    ['is cut after 3 chunks', { cut_after_chunks: 3 }, ['network', 'malformed_response']],
  ] as const)(
    'a stream that %s fails the attempt, falls back, and the result is the whole text of the fallback',
    async (_what, fault, errorTypes) => {
      stack.sim.addFault({ provider: 'openai', ...fault });
      const submitted = await stack.submit(reasoning());
      // Opened while the job runs: the listener follows the stream live.
      const stream = await events(submitted.body.id);
      const job = await stack.waitForJob(submitted.body.id);

      expect(job.status).toBe('succeeded');
      expect(job.result).toMatchObject({ provider: 'anthropic', text: `echo: ${PROMPT}` });
      const failed = job.attempts.filter((a: any) => a.status === 'failed');
      expect(failed).toHaveLength(2);
      for (const attempt of failed) {
        expect(attempt.provider).toBe('openai');
        expect(errorTypes).toContain(attempt.error.type);
        if (errorTypes[0] === 'timeout') {
          expect(stream.comments).toContain('keep-alive');
          expect(attempt.error.message).toMatch(/stream idle: no delta for 1000 ms/);
          expect(attempt.latency_ms).toBeLessThan(3 * STREAM_LIMIT_MS);
        }
      }

      // started, the three pieces, failed; again; then the fallback's whole answer.
      const list = stream.events;
      const partial = 'echo: one two ';
      const firstFailed = names(list).indexOf('attempt.failed');
      expect(names(list)[0]).toBe('attempt.started');
      expect(
        list
          .slice(1, firstFailed)
          .map((e) => e.data.text)
          .join(''),
      ).toBe(partial);
      expect(list[firstFailed].data).toMatchObject({
        provider: 'openai',
        try: 0,
        error: { type: failed[0].error.type },
      });
      expect(list[firstFailed + 1]).toMatchObject({
        event: 'attempt.started',
        data: { provider: 'openai', try: 1 },
      });
      const lastStarted = list.filter((e) => e.event === 'attempt.started').at(-1);
      expect(lastStarted?.data).toMatchObject({ provider: 'anthropic', hop: 1, try: 0 });
      expect(lastAttemptText(list)).toBe(job.result.text);
      expect(list.at(-1)).toMatchObject({ event: 'job.succeeded', data: { status: 'succeeded' } });

      // The ledger keeps what the cut attempts had streamed, with (estimated) usage.
      const rows = await waitFor(
        () => calls(job.id),
        (r) => r.length >= 3,
        'three ledger rows',
        10_000,
      );
      const cut = rows.filter((r) => r.provider === 'openai');
      expect(cut).toHaveLength(2);
      for (const row of cut) {
        expect(errorTypes).toContain(row.error_type);
        expect(row.response).toBe(partial);
        expect(row.output_tokens).toBeGreaterThan(0);
        // OpenAI reports usage only after the last delta: these counts are estimates.
        expect(row.usage_estimated).toBe(true);
        expect(row.ttft_ms).toEqual(expect.any(Number));
      }
      const answered = rows.find((r) => r.provider === 'anthropic');
      expect(answered).toMatchObject({ usage_estimated: false, ttft_ms: expect.any(Number) });
      expect(answered.ttft_ms).toBeLessThanOrEqual(answered.latency_ms);

      // Time to first token per group in /v1/stats.
      const stats = await stack.request('GET', '/v1/stats?group_by=provider');
      const anthropic = stats.body.groups.find((g: any) => g.group === 'anthropic');
      expect(anthropic.ttft_ms).toEqual({ p50: expect.any(Number), p95: expect.any(Number) });
      expect(anthropic.ttft_ms.p95).toBeGreaterThanOrEqual(anthropic.ttft_ms.p50);
    },
  );
});

function cmpIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || as - bs;
}
