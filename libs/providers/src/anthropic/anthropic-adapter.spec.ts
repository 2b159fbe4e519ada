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
import { AnthropicAdapter } from './anthropic-adapter';

const KEY = `sk-ant-api03-${randomBytes(16).toString('hex')}`;
const MODEL = 'claude-haiku-4-5';

type Recorded = { messages: { role: string; content: unknown }[] } & Record<string, unknown>;

describe('AnthropicAdapter (@anthropic-ai/sdk against the simulator)', () => {
  let sim: RunningSimulator;
  let adapter: AnthropicAdapter;
  const consoleRecorder = new ConsoleRecorder();
  const lastBody = () => sim.requests('claude').at(-1)?.body as Recorded;
  const fail = async (request: CompletionRequest = textRequest(MODEL, 'hi')) => {
    const err = await providerFailure(adapter.complete(request));
    expect(secretLeaks(err, KEY)).toEqual([]);
    expect(err.provider).toBe('claude');
    return err;
  };

  beforeAll(async () => {
    consoleRecorder.start();
    sim = await startSimulator();
    adapter = new AnthropicAdapter({
      provider: 'claude',
      kind: 'anthropic',
      baseURL: sim.providerUrl('claude'),
      apiKey: KEY,
    });
  });
  afterAll(async () => {
    await sim.close();
    consoleRecorder.stop();
    expect(consoleRecorder.text()).not.toContain(KEY);
  });
  beforeEach(() => sim.reset());

  it('completes plain text with usage, revision and request id', async () => {
    const result = await adapter.complete(textRequest(MODEL, 'hello claude'));
    expect(result).toEqual({
      text: 'echo: hello claude',
      finish_reason: 'stop',
      usage: {
        input_tokens: Math.ceil('hello claude'.length / 4),
        output_tokens: Math.ceil('echo: hello claude'.length / 4),
      },
      model_revision: 'claude-haiku-4-5-20251001',
      request_id: expect.stringMatching(/^req_/),
    });
    const recorded = sim.requests('claude').at(-1)!;
    expect(recorded.headers['anthropic-version']).toBeDefined();
    expect(recorded.auth).not.toBeNull();
    expect(recorded.body).toMatchObject({ model: MODEL, max_tokens: 256 });
  });

  it('sends system prompts as the top-level system parameter', async () => {
    await adapter.complete({
      ...textRequest(MODEL, 'q'),
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
        { role: 'user', content: 'q2' },
      ],
    });
    const body = lastBody();
    expect(body.system).toBe('Be terse.\n\nAnswer in English.');
    expect(body.messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
      { role: 'user', content: 'q2' },
    ]);
  });

  it('sends images as base64 and url sources', async () => {
    const result = await adapter.complete({
      ...textRequest(MODEL, ''),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', data: TINY_PNG_BASE64, mime_type: 'image/png' },
            { type: 'image', url: 'https://example.com/cat.jpg' },
            { type: 'image', url: `data:image/gif;base64,${TINY_PNG_BASE64}` },
            { type: 'text', text: 'describe' },
          ],
        },
      ],
    });
    expect(result.text).toBe('echo: describe');
    expect(lastBody().messages[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: TINY_PNG_BASE64 } },
      { type: 'text', text: 'describe' },
    ]);
  });

  it('rejects image types the API does not take as bad_request', async () => {
    const err = await fail({
      ...textRequest(MODEL, ''),
      messages: [
        { role: 'user', content: [{ type: 'image', data: 'AAAA', mime_type: 'image/tiff' }] },
      ],
    });
    expect(err.type).toBe('bad_request');
    expect(sim.stats().total).toBe(0);
  });

  it('asks for structured output through output_config and validates the answer', async () => {
    const schema = {
      ...PERSON_SCHEMA,
      properties: {
        ...(PERSON_SCHEMA.properties as object),
        code: { type: 'string', minLength: 3 },
      },
    };
    const result = await adapter.complete(
      textRequest(MODEL, 'a person', { response_format: { type: 'json_schema', schema } }),
    );
    expect(result.json).toEqual({ name: 'sample', age: 0, tags: ['sample'], code: 'sample' });
    const format = (
      lastBody().output_config as { format: { type: string; schema: Record<string, unknown> } }
    ).format;
    expect(format.type).toBe('json_schema');
    // Narrowed to the structured-output subset: objects closed, unsupported bounds moved out.
    expect(format.schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'age', 'tags'],
    });
    expect(JSON.stringify(format.schema)).not.toContain('"minLength"');
  });

  it('carries the model revision through a rollout', async () => {
    sim.addFault({ provider: 'claude', model: MODEL, revision: 'claude-haiku-4-5-20260101' });
    expect((await adapter.complete(textRequest(MODEL, 'x'))).model_revision).toBe(
      'claude-haiku-4-5-20260101',
    );
  });

  describe('error taxonomy', () => {
    it('rate_limited with retry_after_ms from retry-after', async () => {
      sim.addFault({ provider: 'claude', error_rate: 1, status: 429, retry_after_ms: 2000 });
      expect(await fail()).toMatchObject({
        type: 'rate_limited',
        status: 429,
        retryAfterMs: 2000,
        requestId: expect.stringMatching(/^req_/),
      });
    });

    it('overloaded for 529 overloaded_error', async () => {
      sim.addFault({ provider: 'claude', error_rate: 1, status: 529 });
      const err = await fail();
      expect(err).toMatchObject({ type: 'overloaded', status: 529 });
      expect(err.message).toBe('claude: 529 overloaded_error: Overloaded');
    });

    it('server_error for 500 api_error, without retrying', async () => {
      sim.addFault({ provider: 'claude', error_rate: 1, status: 500 });
      expect((await fail()).type).toBe('server_error');
      expect(sim.stats().total).toBe(1);
    });

    it('timeout when the provider hangs past timeout_ms', async () => {
      sim.addFault({ provider: 'claude', hang: true });
      expect((await fail(textRequest(MODEL, 'x', { timeout_ms: 300 }))).type).toBe('timeout');
    });

    it('network when the connection is reset', async () => {
      sim.addFault({ provider: 'claude', reset: true });
      expect((await fail()).type).toBe('network');
    });

    it('auth for 401 authentication_error, with the echoed key scrubbed', async () => {
      sim.addFault({ provider: 'claude', error_rate: 1, status: 401 });
      const err = await fail();
      expect(err).toMatchObject({ type: 'auth', status: 401 });
      expect(err.message).toContain('[REDACTED]');
    });

    it('bad_request for 400 invalid_request_error', async () => {
      sim.addFault({ provider: 'claude', error_rate: 1, status: 400 });
      expect((await fail()).type).toBe('bad_request');
    });

    it('context_length_exceeded for "prompt is too long"', async () => {
      sim.addFault({ provider: 'claude', context_window: 4 });
      expect((await fail(textRequest(MODEL, 'a prompt well over sixteen characters'))).type).toBe(
        'context_length_exceeded',
      );
    });

    it('content_filtered for stop_reason refusal', async () => {
      sim.addFault({ provider: 'claude', content_filter: true });
      expect((await fail()).type).toBe('content_filtered');
    });

    it('invalid_output when the JSON breaks the schema', async () => {
      sim.addFault({ provider: 'claude', break_schema: true });
      const err = await fail(
        textRequest(MODEL, 'x', {
          response_format: { type: 'json_schema', schema: PERSON_SCHEMA },
        }),
      );
      expect(err.type).toBe('invalid_output');
    });

    it('malformed_response for a body of the wrong shape or not JSON', async () => {
      sim.addFault({ provider: 'claude', malformed: 'shape' });
      expect((await fail()).type).toBe('malformed_response');
      sim.addFault({ provider: 'claude', malformed: 'not_json' });
      expect((await fail()).type).toBe('malformed_response');
    });
  });
});
