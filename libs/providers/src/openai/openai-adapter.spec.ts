import { randomBytes } from 'node:crypto';
import {
  AdapterHarness,
  describeAdapterConformance,
  describeToolConformance,
  type AdapterFixture,
} from '../testing/adapter-conformance';
import {
  PERSON_SCHEMA,
  TINY_PNG_BASE64,
  WEATHER_TOOL,
  WEATHER_TOOL_ROUND,
  textRequest,
} from '../testing/provider-test-kit';
import { OpenAiAdapter } from './openai-adapter';

const MODEL = 'gpt-4o-mini';

const FIXTURE: AdapterFixture = {
  provider: 'openai',
  kind: 'openai',
  apiKey: `sk-proj-${randomBytes(16).toString('hex')}`,
  model: MODEL,
  baseUrl: (root) => `${root}/v1`,
  create: (connection) => new OpenAiAdapter(connection),
};

type Recorded = { messages: { role: string; content: unknown }[] } & Record<string, unknown>;

describe('OpenAiAdapter (openai SDK against the simulator)', () => {
  const harness = new AdapterHarness(FIXTURE).register();
  const lastBody = (provider?: string) => harness.lastRequest(provider).body as Recorded;

  it('completes plain text with usage, revision, request id and fingerprint', async () => {
    const result = await harness.adapter.complete(harness.request('hello world'));
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
    const recorded = harness.lastRequest();
    expect(recorded.auth).toBe('authorization');
    expect(recorded.body).toMatchObject({ model: MODEL, max_completion_tokens: 256 });
    expect(recorded.body).not.toHaveProperty('max_tokens');
  });

  it('sends the system prompt as a system message and passes temperature', async () => {
    await harness.adapter.complete({
      ...harness.request('question'),
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
    const result = await harness.adapter.complete({
      ...harness.request(''),
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
    const err = await harness.fail({
      ...harness.request(''),
      messages: [
        { role: 'system', content: [{ type: 'image', url: 'https://example.com/a.png' }] },
      ],
    });
    expect(err.type).toBe('bad_request');
    expect(harness.sim.stats().total).toBe(0);
  });

  it('asks for json_schema output and returns the validated JSON', async () => {
    const result = await harness.adapter.complete(
      harness.request('a person', {
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

  it('maps tools, tool_choice, assistant tool_calls and tool messages onto chat completions', async () => {
    await harness.adapter.complete({ ...harness.request(''), ...WEATHER_TOOL_ROUND });
    expect(lastBody()).toMatchObject({
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: WEATHER_TOOL.description,
            parameters: WEATHER_TOOL.parameters,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      messages: [
        { role: 'user', content: 'weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo","unit":"C"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '4 C' },
      ],
    });
    await harness.adapter.complete(
      harness.request('x', { tools: [WEATHER_TOOL], tool_choice: 'required' }),
    );
    expect(lastBody().tool_choice).toBe('required');
  });

  describeToolConformance(harness);

  describeAdapterConformance(harness, {
    rateLimited: { source: 'retry-after-ms', retryAfterMs: 1500, requestId: /^req_/ },
    overloaded: { wire: '503 "overloaded"', status: 503 },
    serverError: { wire: '500' },
    auth: { wire: '401', status: 401, message: /Incorrect API key provided: \[REDACTED\]/ },
    forbidden: { wire: '403 unsupported_country_region_territory' },
    badRequest: { wire: '400' },
    modelNotFound: { wire: '404 model_not_found' },
    contextLength: { wire: 'the context_length_exceeded code' },
    contentFilter: { wire: 'finish_reason content_filter' },
    rolloutRevision: 'gpt-4o-mini-2025-09-01',
  });

  describe('as an openai-compatible provider', () => {
    it('sends max_tokens and is counted under its own provider name', async () => {
      const groq = new OpenAiAdapter({
        provider: 'groq',
        kind: 'openai-compatible',
        baseURL: `${harness.sim.providerUrl('groq')}/v1`,
        apiKey: FIXTURE.apiKey,
      });
      const result = await groq.complete(textRequest('llama-3.1-8b-instant', 'hi groq'));
      expect(result).toMatchObject({
        text: 'echo: hi groq',
        model_revision: 'llama-3.1-8b-instant-sim-001',
      });
      expect(groq.kind).toBe('openai-compatible');
      expect(lastBody('groq')).toMatchObject({ max_tokens: 256 });
      expect(harness.sim.stats().providers).toEqual({
        groq: { total: 1, models: { 'llama-3.1-8b-instant': { total: 1, outcomes: { ok: 1 } } } },
      });
    });
  });
});
