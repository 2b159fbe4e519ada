import { SwitchyardStack, TENANT_KEYS } from '@switchyard/testing';
import { lastAttemptText, readSse } from './sse-client';

/** The store connections' command timeout in this suite: shorter than the wait for a first token. */
const COMMAND_TIMEOUT_MS = 500;
const KEEP_ALIVE_MS = 1200;
const FIRST_TOKEN_DELAY_MS = 2000;

/**
 * A listener waits on the job's event stream with a blocking read as long as the keep-alive
 * interval. Those reads must not inherit the store connection's command timeout
 * (SWITCHYARD_REDIS_COMMAND_TIMEOUT_MS): with it, every stream whose first token came later than
 * the timeout ended early (SSE) or answered an empty 201 (stream: true chat completions).
 */
describe('streams quieter than the Redis command timeout', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      providers: ['openai'],
      env: {
        SWITCHYARD_REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
        SWITCHYARD_EVENTS_KEEPALIVE_MS: String(KEEP_ALIVE_MS),
        TEST_FIRST_TOKEN_TIMEOUT_MS: '8000',
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('GET /v1/jobs/:id/events keeps the stream through the wait and delivers the whole answer', async () => {
    stack.sim.addFault({ provider: 'openai', first_token_delay_ms: FIRST_TOKEN_DELAY_MS });
    const submitted = await stack.request('POST', '/v1/jobs', {
      task: 'reasoning',
      messages: [{ role: 'user', content: 'wait for it' }],
    });
    expect(submitted.status).toBe(202);
    const stream = await readSse(`${stack.baseUrl}/v1/jobs/${submitted.body.id}/events`, {
      authorization: `Bearer ${TENANT_KEYS.acme}`,
    });
    expect(stream.status).toBe(200);
    expect(stream.comments).toContain('keep-alive');
    expect(stream.events.at(-1)?.event).toBe('job.succeeded');
    expect(lastAttemptText(stream.events)).toBe('echo: wait for it');
  });

  it('POST /v1/chat/completions with stream: true answers 200 and streams to data: [DONE]', async () => {
    stack.sim.addFault({ provider: 'openai', first_token_delay_ms: FIRST_TOKEN_DELAY_MS });
    const res = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_KEYS.acme}` },
      body: JSON.stringify({
        model: 'reasoning',
        stream: true,
        messages: [{ role: 'user', content: 'wait for it' }],
      }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain(': keep-alive');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});
