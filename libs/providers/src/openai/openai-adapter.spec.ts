import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { startSimulator, type RunningSimulator } from '@switchyard/simulator';
import type { CompletionRequest } from '../provider.types';
import {
  ConsoleRecorder,
  PERSON_SCHEMA,
  TINY_PNG_BASE64,
  providerFailure,
  secretLeaks,
  textRequest,
} from '../testing/provider-test-kit';
import { OpenAiAdapter } from './openai-adapter';

const KEY = `sk-proj-${randomBytes(16).toString('hex')}`;
const MODEL = 'gpt-4o-mini';

type Recorded = { messages: { role: string; content: unknown }[] } & Record<string, unknown>;

describe('OpenAiAdapter (openai SDK against the simulator)', () => {
  let sim: RunningSimulator;
  let adapter: OpenAiAdapter;
  const consoleRecorder = new ConsoleRecorder();
  const lastBody = (provider = 'openai') => sim.requests(provider).at(-1)?.body as Recorded;
  const fail = async (request: CompletionRequest = textRequest(MODEL, 'hi')) => {
    const err = await providerFailure(adapter.complete(request));
    expect(secretLeaks(err, KEY)).toEqual([]);
    expect(err.provider).toBe('openai');
    return err;
  };

  beforeAll(async () => {
    consoleRecorder.start();
    sim = await startSimulator();
    adapter = new OpenAiAdapter({
      provider: 'openai',
      kind: 'openai',
      baseURL: `${sim.providerUrl('openai')}/v1`,
      apiKey: KEY,
    });
  });
  afterAll(async () => {
    await sim.close();
    consoleRecorder.stop();
    expect(consoleRecorder.text()).not.toContain(KEY);
  });
  beforeEach(() => sim.reset());

  it('completes plain text with usage, revision, request id and fingerprint', async () => {
    const result = await adapter.complete(textRequest(MODEL, 'hello world'));
    expect(result).toEqual({
      text: 'echo: hello world',
      finish_reason: 'stop',
      usage: {
        input_tokens: Math.ceil('hello world'.length / 4),
        output_tokens: Math.ceil('echo: hello world'.length / 4),
      },
      model_revision: 'gpt-4o-mini-2024-07-18',
      request_id: expect.stringMatching(/^req_/),
      system_fingerprint: expect.stringMatching(/^fp_/),
    });
    const recorded = sim.requests('openai').at(-1)!;
    expect(recorded.auth).toBe('authorization');
    expect(recorded.body).toMatchObject({ model: MODEL, max_completion_tokens: 256 });
    expect(recorded.body).not.toHaveProperty('max_tokens');
  });

  it('sends the system prompt as a system message and passes temperature', async () => {
    await adapter.complete({
      ...textRequest(MODEL, 'question'),
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'question' },
      ],
      temperature: 0.2,
    });
    expect(lastBody()).toMatchObject({
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'question' },
      ],
    });
  });

  it('sends images as image_url parts (data URL for inline data)', async () => {
    const result = await adapter.complete({
      ...textRequest(MODEL, ''),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is in these?' },
            { type: 'image', data: TINY_PNG_BASE64, mime_type: 'image/png' },
            { type: 'image', url: 'https://example.com/cat.jpg' },
          ],
        },
      ],
    });
    expect(result.text).toBe('echo: what is in these?');
    expect(lastBody().messages[0].content).toEqual([
      { type: 'text', text: 'what is in these?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${TINY_PNG_BASE64}` } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('rejects images outside user messages as bad_request without calling the API', async () => {
    const err = await fail({
      ...textRequest(MODEL, ''),
      messages: [
        { role: 'system', content: [{ type: 'image', url: 'https://example.com/a.png' }] },
      ],
    });
    expect(err.type).toBe('bad_request');
    expect(sim.stats().total).toBe(0);
  });

  it('asks for json_schema output and returns the validated JSON', async () => {
    const result = await adapter.complete(
      textRequest(MODEL, 'a person', {
        response_format: { type: 'json_schema', schema: PERSON_SCHEMA },
      }),
    );
    expect(result.json).toEqual({ name: 'sample', age: 0, tags: ['sample'] });
    expect(JSON.parse(result.text)).toEqual(result.json);
    expect(lastBody().response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema: PERSON_SCHEMA, strict: false },
    });
  });

  it('carries the model revision through a rollout', async () => {
    sim.addFault({ provider: 'openai', model: MODEL, revision: 'gpt-4o-mini-2025-09-01' });
    const result = await adapter.complete(textRequest(MODEL, 'x'));
    expect(result.model_revision).toBe('gpt-4o-mini-2025-09-01');
  });

  describe('error taxonomy', () => {
    it('rate_limited with retry_after_ms from retry-after-ms', async () => {
      sim.addFault({ provider: 'openai', error_rate: 1, status: 429, retry_after_ms: 1500 });
      const err = await fail();
      expect(err).toMatchObject({
        type: 'rate_limited',
        status: 429,
        retryAfterMs: 1500,
        requestId: expect.stringMatching(/^req_/),
      });
      expect(err.toJSON()).toMatchObject({ type: 'rate_limited', retry_after_ms: 1500 });
    });

    it('overloaded for 503 "overloaded"', async () => {
      sim.addFault({ provider: 'openai', error_rate: 1, status: 503 });
      expect((await fail()).type).toBe('overloaded');
    });

    it('server_error for 500, without retrying', async () => {
      sim.addFault({ provider: 'openai', error_rate: 1, status: 500 });
      expect(await fail()).toMatchObject({ type: 'server_error', status: 500 });
      expect(sim.stats().total).toBe(1);
    });

    it('timeout when the provider hangs past timeout_ms', async () => {
      sim.addFault({ provider: 'openai', hang: true });
      const err = await fail(textRequest(MODEL, 'x', { timeout_ms: 300 }));
      expect(err.type).toBe('timeout');
      expect(err.message).toMatch(/300 ms/);
    });

    it('timeout when the caller aborts', async () => {
      sim.addFault({ provider: 'openai', hang: true });
      const err = await fail(textRequest(MODEL, 'x', { signal: AbortSignal.timeout(100) }));
      expect(err.type).toBe('timeout');
      expect(err.message).toMatch(/aborted by the caller/);
    });

    it('network when the connection is reset', async () => {
      sim.addFault({ provider: 'openai', reset: true });
      expect((await fail()).type).toBe('network');
    });

    it('network when nothing listens', async () => {
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => resolve(free));
        });
      });
      const nowhere = new OpenAiAdapter({
        provider: 'openai',
        kind: 'openai',
        baseURL: `http://127.0.0.1:${port}/v1`,
        apiKey: KEY,
      });
      const err = await providerFailure(nowhere.complete(textRequest(MODEL, 'x')));
      expect(err.type).toBe('network');
      expect(err.message).toMatch(/ECONNREFUSED/);
    });

    it('auth for 401, with the echoed key scrubbed', async () => {
      sim.addFault({ provider: 'openai', error_rate: 1, status: 401 });
      const err = await fail();
      expect(err).toMatchObject({ type: 'auth', status: 401 });
      expect(err.message).toMatch(/Incorrect API key provided: \[REDACTED\]/);
    });

    it('bad_request for 400 and 404', async () => {
      sim.addFault({ provider: 'openai', error_rate: 1, status: 400 });
      expect((await fail()).type).toBe('bad_request');
      sim.addFault({ provider: 'openai', status: 404 });
      expect(await fail()).toMatchObject({ type: 'bad_request', status: 404 });
    });

    it('context_length_exceeded from the context_length_exceeded code', async () => {
      sim.addFault({ provider: 'openai', context_window: 4 });
      expect((await fail(textRequest(MODEL, 'a prompt well over sixteen characters'))).type).toBe(
        'context_length_exceeded',
      );
    });

    it('content_filtered for finish_reason content_filter', async () => {
      sim.addFault({ provider: 'openai', content_filter: true });
      expect((await fail()).type).toBe('content_filtered');
    });

    it('invalid_output when the JSON breaks the schema', async () => {
      sim.addFault({ provider: 'openai', break_schema: true });
      const err = await fail(
        textRequest(MODEL, 'x', {
          response_format: { type: 'json_schema', schema: PERSON_SCHEMA },
        }),
      );
      expect(err.type).toBe('invalid_output');
    });

    it('malformed_response for a body of the wrong shape or not JSON', async () => {
      sim.addFault({ provider: 'openai', malformed: 'shape' });
      expect((await fail()).type).toBe('malformed_response');
      sim.addFault({ provider: 'openai', malformed: 'not_json' });
      expect((await fail()).type).toBe('malformed_response');
    });
  });

  describe('as an openai-compatible provider', () => {
    it('sends max_tokens and is counted under its own provider name', async () => {
      const groq = new OpenAiAdapter({
        provider: 'groq',
        kind: 'openai-compatible',
        baseURL: `${sim.providerUrl('groq')}/v1`,
        apiKey: KEY,
      });
      const result = await groq.complete(textRequest('llama-3.1-8b-instant', 'hi groq'));
      expect(result).toMatchObject({
        text: 'echo: hi groq',
        model_revision: 'llama-3.1-8b-instant-sim-001',
      });
      expect(groq.kind).toBe('openai-compatible');
      expect(lastBody('groq')).toMatchObject({ max_tokens: 256 });
      expect(sim.stats().providers).toEqual({
        groq: { total: 1, models: { 'llama-3.1-8b-instant': { total: 1, outcomes: { ok: 1 } } } },
      });
    });
  });
});
