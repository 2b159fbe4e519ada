import { randomBytes } from 'node:crypto';
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
import { GoogleAdapter } from './google-adapter';

const KEY = `AIza${randomBytes(16).toString('hex')}`;
const MODEL = 'gemini-2.5-flash';

interface RecordedGemini {
  contents: { role: string; parts: Record<string, unknown>[] }[];
  systemInstruction?: { parts: { text: string }[] };
  generationConfig?: Record<string, unknown>;
}

describe('GoogleAdapter (@google/genai against the simulator)', () => {
  let sim: RunningSimulator;
  let adapter: GoogleAdapter;
  const consoleRecorder = new ConsoleRecorder();
  const lastRequest = () => sim.requests('gemini').at(-1)!;
  const lastBody = () => lastRequest().body as RecordedGemini;
  const fail = async (request: CompletionRequest = textRequest(MODEL, 'hi')) => {
    const err = await providerFailure(adapter.complete(request));
    expect(secretLeaks(err, KEY)).toEqual([]);
    expect(err.provider).toBe('gemini');
    return err;
  };

  beforeAll(async () => {
    consoleRecorder.start();
    sim = await startSimulator();
    adapter = new GoogleAdapter({
      provider: 'gemini',
      kind: 'google',
      baseURL: sim.providerUrl('gemini'),
      apiKey: KEY,
    });
  });
  afterAll(async () => {
    await sim.close();
    consoleRecorder.stop();
    expect(consoleRecorder.text()).not.toContain(KEY);
  });
  beforeEach(() => sim.reset());

  it('completes plain text with usage, modelVersion and responseId', async () => {
    const result = await adapter.complete(textRequest(MODEL, 'hello gemini', { temperature: 0.3 }));
    expect(result).toEqual({
      text: 'echo: hello gemini',
      finish_reason: 'stop',
      usage: {
        input_tokens: Math.ceil('hello gemini'.length / 4),
        output_tokens: Math.ceil('echo: hello gemini'.length / 4),
      },
      model_revision: 'gemini-2.5-flash-001',
      request_id: expect.any(String),
    });
    expect(lastRequest()).toMatchObject({
      path: `/p/gemini/v1beta/models/${MODEL}:generateContent`,
      auth: 'x-goog-api-key',
    });
    expect(lastBody().generationConfig).toMatchObject({ maxOutputTokens: 256, temperature: 0.3 });
  });

  it('sends system prompts as systemInstruction and maps roles to user/model', async () => {
    await adapter.complete({
      ...textRequest(MODEL, 'q'),
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
        { role: 'user', content: 'q2' },
      ],
    });
    const body = lastBody();
    expect(body.systemInstruction?.parts).toEqual([{ text: 'Be terse.' }]);
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'q' }] },
      { role: 'model', parts: [{ text: 'a' }] },
      { role: 'user', parts: [{ text: 'q2' }] },
    ]);
  });

  it('sends image data as inlineData and image URLs as fileData', async () => {
    const result = await adapter.complete({
      ...textRequest(MODEL, ''),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare' },
            { type: 'image', data: TINY_PNG_BASE64, mime_type: 'image/png' },
            { type: 'image', url: 'https://example.com/photos/cat.webp?size=large' },
          ],
        },
      ],
    });
    expect(result.text).toBe('echo: compare');
    expect(lastBody().contents[0].parts).toEqual([
      { text: 'compare' },
      { inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } },
      {
        fileData: {
          fileUri: 'https://example.com/photos/cat.webp?size=large',
          mimeType: 'image/webp',
        },
      },
    ]);
  });

  it('asks for JSON with responseMimeType + responseJsonSchema and validates the answer', async () => {
    const result = await adapter.complete(
      textRequest(MODEL, 'a person', {
        response_format: { type: 'json_schema', schema: PERSON_SCHEMA },
      }),
    );
    expect(result.json).toEqual({ name: 'sample', age: 0, tags: ['sample'] });
    expect(lastBody().generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseJsonSchema: PERSON_SCHEMA,
    });
  });

  it('reports length when maxOutputTokens cuts the answer', async () => {
    const result = await adapter.complete(
      textRequest(MODEL, 'a long enough prompt to echo', { max_tokens: 2 }),
    );
    expect(result).toMatchObject({
      finish_reason: 'length',
      text: 'echo: a ',
      usage: { output_tokens: 2 },
    });
  });

  it('carries the model revision through a rollout', async () => {
    sim.addFault({ provider: 'gemini', model: MODEL, revision: 'gemini-2.5-flash-002' });
    expect((await adapter.complete(textRequest(MODEL, 'x'))).model_revision).toBe(
      'gemini-2.5-flash-002',
    );
  });

  describe('error taxonomy', () => {
    it('rate_limited with retry_after_ms from RetryInfo', async () => {
      sim.addFault({ provider: 'gemini', error_rate: 1, status: 429, retry_after_ms: 2500 });
      expect(await fail()).toMatchObject({ type: 'rate_limited', status: 429, retryAfterMs: 2500 });
    });

    it('overloaded for 503 UNAVAILABLE "overloaded", without retrying', async () => {
      sim.addFault({ provider: 'gemini', error_rate: 1, status: 503 });
      expect(await fail()).toMatchObject({ type: 'overloaded', status: 503 });
      expect(sim.stats().total).toBe(1);
    });

    it('server_error for 500 INTERNAL, without retrying', async () => {
      sim.addFault({ provider: 'gemini', error_rate: 1, status: 500 });
      expect((await fail()).type).toBe('server_error');
      expect(sim.stats().total).toBe(1);
    });

    it('timeout when the provider hangs past timeout_ms', async () => {
      sim.addFault({ provider: 'gemini', hang: true });
      expect((await fail(textRequest(MODEL, 'x', { timeout_ms: 300 }))).type).toBe('timeout');
    });

    it('network when the connection is reset', async () => {
      sim.addFault({ provider: 'gemini', reset: true });
      expect((await fail()).type).toBe('network');
    });

    it('auth for 400 API_KEY_INVALID, with the echoed key scrubbed', async () => {
      sim.addFault({ provider: 'gemini', error_rate: 1, status: 401 });
      const err = await fail();
      expect(err).toMatchObject({ type: 'auth', status: 400 });
      expect(err.message).toContain('[REDACTED]');
    });

    it('auth for 403 PERMISSION_DENIED', async () => {
      sim.addFault({ provider: 'gemini', error_rate: 1, status: 403 });
      expect((await fail()).type).toBe('auth');
    });

    it('bad_request for 400 INVALID_ARGUMENT and 404 NOT_FOUND', async () => {
      sim.addFault({ provider: 'gemini', error_rate: 1, status: 400 });
      expect((await fail()).type).toBe('bad_request');
      sim.addFault({ provider: 'gemini', status: 404 });
      expect(await fail()).toMatchObject({ type: 'bad_request', status: 404 });
    });

    it('context_length_exceeded for the token-count message', async () => {
      sim.addFault({ provider: 'gemini', context_window: 4 });
      expect((await fail(textRequest(MODEL, 'a prompt well over sixteen characters'))).type).toBe(
        'context_length_exceeded',
      );
    });

    it('content_filtered for finishReason SAFETY', async () => {
      sim.addFault({ provider: 'gemini', content_filter: true });
      expect((await fail()).type).toBe('content_filtered');
    });

    it('invalid_output when the JSON breaks the schema', async () => {
      sim.addFault({ provider: 'gemini', break_schema: true });
      const err = await fail(
        textRequest(MODEL, 'x', {
          response_format: { type: 'json_schema', schema: PERSON_SCHEMA },
        }),
      );
      expect(err.type).toBe('invalid_output');
    });

    it('malformed_response for a body of the wrong shape or not JSON', async () => {
      sim.addFault({ provider: 'gemini', malformed: 'shape' });
      expect((await fail()).type).toBe('malformed_response');
      sim.addFault({ provider: 'gemini', malformed: 'not_json' });
      expect((await fail()).type).toBe('malformed_response');
    });
  });
});
