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
import { GoogleAdapter } from './google-adapter';

const MODEL = 'gemini-2.5-flash';

const FIXTURE: AdapterFixture = {
  provider: 'gemini',
  kind: 'google',
  apiKey: `AIza${randomBytes(16).toString('hex')}`,
  model: MODEL,
  baseUrl: (root) => root,
  create: (connection) => new GoogleAdapter(connection),
};

interface RecordedGemini {
  contents: { role: string; parts: Record<string, unknown>[] }[];
  systemInstruction?: { parts: { text: string }[] };
  generationConfig?: Record<string, unknown>;
  toolConfig?: Record<string, unknown>;
}

describe('GoogleAdapter (@google/genai against the simulator)', () => {
  const harness = new AdapterHarness(FIXTURE).register();
  const lastBody = () => harness.lastRequest().body as RecordedGemini;

  it('completes plain text with usage, modelVersion and responseId', async () => {
    const result = await harness.adapter.complete(
      harness.request('hello gemini', { temperature: 0.3 }),
    );
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
    expect(harness.lastRequest()).toMatchObject({
      path: `/p/gemini/v1beta/models/${MODEL}:streamGenerateContent`,
      auth: 'x-goog-api-key',
    });
    expect(lastBody().generationConfig).toMatchObject({ maxOutputTokens: 256, temperature: 0.3 });
  });

  it('sends system prompts as systemInstruction and maps roles to user/model', async () => {
    await harness.adapter.complete({
      ...harness.request('q'),
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
    const result = await harness.adapter.complete({
      ...harness.request(''),
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
    const result = await harness.adapter.complete(
      harness.request('a person', {
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
    const result = await harness.adapter.complete(
      harness.request('a long enough prompt to echo', { max_tokens: 2 }),
    );
    expect(result).toMatchObject({
      finish_reason: 'length',
      text: 'echo: a ',
      usage: { output_tokens: 2 },
    });
  });

  it('maps tools, toolConfig, functionCall and functionResponse parts onto generateContent', async () => {
    await harness.adapter.complete({ ...harness.request(''), ...WEATHER_TOOL_ROUND });
    expect(lastBody()).toMatchObject({
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: WEATHER_TOOL.description,
              parametersJsonSchema: WEATHER_TOOL.parameters,
            },
          ],
        },
      ],
      toolConfig: {
        functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
      },
      contents: [
        { role: 'user', parts: [{ text: 'weather in Oslo?' }] },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo', unit: 'C' } } }],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_weather', response: { result: '4 C' } } }],
        },
      ],
    });
    await harness.adapter.complete(
      harness.request('x', { tools: [WEATHER_TOOL], tool_choice: 'none' }),
    );
    expect(lastBody().toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
  });

  it('gives function calls stable ids derived from the call key (Gemini has none)', async () => {
    const ask = (call_key: string) =>
      harness.adapter.complete(
        harness.request('call get_weather', { tools: [WEATHER_TOOL], call_key }),
      );
    const [a, again, other] = await Promise.all([
      ask('job_1:h0:t0'),
      ask('job_1:h0:t0'),
      ask('job_1:h1:t0'),
    ]);
    expect(a.tool_calls?.[0].id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(again.tool_calls?.[0].id).toBe(a.tool_calls?.[0].id);
    expect(other.tool_calls?.[0].id).not.toBe(a.tool_calls?.[0].id);
  });

  describeToolConformance(harness);

  describeAdapterConformance(harness, {
    rateLimited: { source: 'RetryInfo', retryAfterMs: 2500 },
    overloaded: { wire: '503 UNAVAILABLE "overloaded"', status: 503 },
    serverError: { wire: '500 INTERNAL' },
    // The Gemini API answers a bad key with 400, not 401.
    auth: { wire: '400 API_KEY_INVALID', status: 400, message: /API key not valid: \[REDACTED\]/ },
    forbidden: { wire: '403 PERMISSION_DENIED' },
    badRequest: { wire: '400 INVALID_ARGUMENT' },
    modelNotFound: { wire: '404 NOT_FOUND' },
    contextLength: { wire: 'the token-count message' },
    contentFilter: { wire: 'finishReason SAFETY' },
    rolloutRevision: 'gemini-2.5-flash-002',
  });
});
