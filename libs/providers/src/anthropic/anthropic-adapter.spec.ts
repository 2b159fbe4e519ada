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
} from '../testing/provider-test-kit';
import { AnthropicAdapter } from './anthropic-adapter';

const MODEL = 'claude-haiku-4-5';

const FIXTURE: AdapterFixture = {
  provider: 'claude',
  kind: 'anthropic',
  apiKey: `sk-ant-api03-${randomBytes(16).toString('hex')}`,
  model: MODEL,
  baseUrl: (root) => root,
  create: (connection) => new AnthropicAdapter(connection),
};

type Recorded = { messages: { role: string; content: unknown }[] } & Record<string, unknown>;

describe('AnthropicAdapter (@anthropic-ai/sdk against the simulator)', () => {
  const harness = new AdapterHarness(FIXTURE).register();
  const lastBody = () => harness.lastRequest().body as Recorded;

  it('reports cache reads and cache writes apart, both counted in input_tokens', async () => {
    harness.sim.addFault({
      provider: 'claude',
      cached_input_tokens: 4,
      cache_write_input_tokens: 3,
    });
    const result = await harness.adapter.complete(harness.request('z'.repeat(40)));
    expect(result.usage).toEqual({
      input_tokens: 10,
      output_tokens: expect.any(Number),
      cached_input_tokens: 4,
      cache_write_input_tokens: 3,
    });
  });

  it('completes plain text with usage, revision and request id', async () => {
    const result = await harness.adapter.complete(harness.request('hello claude'));
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
    const recorded = harness.lastRequest();
    expect(recorded.headers['anthropic-version']).toBeDefined();
    expect(recorded.auth).not.toBeNull();
    expect(recorded.body).toMatchObject({ model: MODEL, max_tokens: 256 });
  });

  it('sends system prompts as the top-level system parameter', async () => {
    await harness.adapter.complete({
      ...harness.request('q'),
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
    const result = await harness.adapter.complete({
      ...harness.request(''),
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
    const err = await harness.fail({
      ...harness.request(''),
      messages: [
        { role: 'user', content: [{ type: 'image', data: 'AAAA', mime_type: 'image/tiff' }] },
      ],
    });
    expect(err.type).toBe('bad_request');
    expect(harness.sim.stats().total).toBe(0);
  });

  it('asks for structured output through output_config and validates the answer', async () => {
    const schema = {
      ...PERSON_SCHEMA,
      properties: {
        ...(PERSON_SCHEMA.properties as object),
        code: { type: 'string', minLength: 3 },
      },
    };
    const result = await harness.adapter.complete(
      harness.request('a person', { response_format: { type: 'json_schema', schema } }),
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

  it('maps tools, tool_choice, tool_use and tool_result blocks onto the Messages API', async () => {
    await harness.adapter.complete({ ...harness.request(''), ...WEATHER_TOOL_ROUND });
    expect(lastBody()).toMatchObject({
      tools: [
        {
          name: 'get_weather',
          description: WEATHER_TOOL.description,
          input_schema: WEATHER_TOOL.parameters,
        },
      ],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [
        { role: 'user', content: 'weather in Oslo?' },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_use',
              id: 'call_1',
              name: 'get_weather',
              input: { city: 'Oslo', unit: 'C' },
            },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '4 C' }] },
      ],
    });
    await harness.adapter.complete(
      harness.request('x', { tools: [WEATHER_TOOL], tool_choice: 'required' }),
    );
    expect(lastBody().tool_choice).toEqual({ type: 'any' });
    await harness.adapter.complete(
      harness.request('x', { tools: [WEATHER_TOOL], tool_choice: 'none' }),
    );
    expect(lastBody().tool_choice).toEqual({ type: 'none' });
  });

  describeToolConformance(harness);

  describeAdapterConformance(harness, {
    rateLimited: { source: 'retry-after', retryAfterMs: 2000, requestId: /^req_/ },
    overloaded: {
      wire: '529 overloaded_error',
      status: 529,
      message: 'claude: 529 overloaded_error: Overloaded',
    },
    serverError: { wire: '500 api_error' },
    auth: {
      wire: '401 authentication_error',
      status: 401,
      message: /invalid x-api-key: \[REDACTED\]/,
    },
    forbidden: { wire: '403 permission_error' },
    badRequest: { wire: '400 invalid_request_error' },
    modelNotFound: { wire: '404 not_found_error' },
    contextLength: { wire: '"prompt is too long"' },
    contentFilter: { wire: 'stop_reason refusal' },
    rolloutRevision: 'claude-haiku-4-5-20260101',
  });
});
