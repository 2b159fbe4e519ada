import { SwitchyardStack, waitFor } from '@switchyard/testing';

/**
 * With nothing to export spans to (OTEL_TRACES_EXPORTER=none, the stack's default) no library
 * instrumentation and no AsyncLocalStorage context are registered, so no process can read a trace
 * from an active context. Each job's trace must still be the caller's and reach every record: the
 * job view, the ledger rows of every hop, the OpenAI-compatible response header.
 */
describe('trace ids while no spans are recorded: carried with the job across processes', () => {
  const callerTrace = 'aa0f1e2d3c4b5a69788796a5b4c3d2e1';
  const traceparent = `00-${callerTrace}-00f067aa0ba902b7-01`;
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      ledger: true,
      providers: ['openai', 'anthropic', 'google'],
    });
  });

  afterEach(() => stack?.sim.clearFaults());

  afterAll(async () => {
    await stack?.stop();
  });

  const ledgerRows = (jobId: string, count: number) =>
    waitFor(
      async () => (await stack.request('GET', `/v1/calls?job_id=${jobId}`)).body.calls as any[],
      (rows) => rows.length >= count,
      `${count} ledger rows of ${jobId}`,
    );

  it("continues the caller's traceparent through a fallback: the job and every ledger row", async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 500 });
    const submitted = await stack.submit(
      { task: 'reasoning', messages: [{ role: 'user', content: 'hello there' }] },
      { traceparent },
    );
    expect(submitted.status).toBe(202);
    expect(submitted.body.trace_id).toBe(callerTrace);
    const job = await stack.waitForJob(submitted.body.id);
    expect(job.status).toBe('succeeded');
    expect(job.result.provider).toBe('anthropic');
    expect(job.trace_id).toBe(callerTrace);
    // Two failed tries on openai (worker), the router's hand-off, the anthropic call (worker).
    const rows = await ledgerRows(job.id, 3);
    expect(rows.map((r) => r.provider).sort()).toEqual(['anthropic', 'openai', 'openai']);
    for (const row of rows) expect(row.trace_id).toBe(callerTrace);
  });

  it('starts a trace of its own for each request without a traceparent', async () => {
    const body = { task: 'reasoning', messages: [{ role: 'user', content: 'hello there' }] };
    const [a, b] = await Promise.all([stack.submit(body), stack.submit(body)]);
    for (const res of [a, b]) expect(res.body.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(a.body.trace_id).not.toBe(b.body.trace_id);
    const [row] = await ledgerRows(a.body.id, 1);
    expect(row.trace_id).toBe(a.body.trace_id);
  });

  it('names the trace in the OpenAI-compatible response', async () => {
    const res = await stack.request(
      'POST',
      '/v1/chat/completions',
      { model: 'reasoning', messages: [{ role: 'user', content: 'hello there' }] },
      { traceparent },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('traceparent')).toContain(`-${callerTrace}-`);
    expect(res.headers.get('x-switchyard-job-id')).toMatch(/^job_/);
  });
});
