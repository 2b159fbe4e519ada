import type { GenerateContentResponse } from '@google/genai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { JsonSchemaValidator } from '@switchyard/schemas';
import { startSimulator, type RunningSimulator } from './simulator-server';

type Json = Record<string, unknown>;
interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}
interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

const KEY = 'sk-sim-test-key';

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal?: AbortSignal,
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

interface Reply {
  json: unknown;
}
const completion = (r: Reply) => r.json as ChatCompletion;
const generated = (r: Reply) => r.json as GenerateContentResponse;
const openAiError = (r: Reply) => (r.json as OpenAiErrorBody).error;
const anthropicError = (r: Reply) => (r.json as AnthropicErrorBody).error;
const geminiError = (r: Reply) => (r.json as GeminiErrorBody).error;

describe('provider simulator (over HTTP)', () => {
  let sim: RunningSimulator;
  const openai = (
    body: unknown,
    provider = 'openai',
    headers: Record<string, string> = { authorization: `Bearer ${KEY}` },
  ) => post(`${sim.url}/p/${provider}/v1/chat/completions`, body, headers);
  const anthropic = (
    body: unknown,
    headers: Record<string, string> = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
  ) => post(`${sim.url}/p/anthropic/v1/messages`, body, headers);
  const gemini = (
    model: string,
    body: unknown,
    headers: Record<string, string> = { 'x-goog-api-key': KEY },
  ) => post(`${sim.url}/p/gemini/v1beta/models/${model}:generateContent`, body, headers);
  const chat = (text: string, extra: Json = {}) => ({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: text }],
    ...extra,
  });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('answers health checks', async () => {
    const res = await fetch(`${sim.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  describe('OpenAI chat completions', () => {
    it('echoes the last user message with the served revision, usage and a request id', async () => {
      const res = await openai(
        chat('hello there', {
          messages: [
            { role: 'system', content: 'be brief' },
            { role: 'user', content: 'first' },
            { role: 'assistant', content: 'ok' },
            { role: 'user', content: 'hello there' },
          ],
        }),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
      expect(res.json).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-4o-mini-2024-07-18',
        system_fingerprint: expect.stringMatching(/^fp_/),
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'echo: hello there' },
            finish_reason: 'stop',
          },
        ],
      });
      const usage = completion(res).usage!;
      expect(usage.prompt_tokens).toBe(Math.ceil('be brieffirstokhello there'.length / 4));
      expect(usage.completion_tokens).toBe(Math.ceil('echo: hello there'.length / 4));
      expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    });

    it('is reachable without a provider prefix', async () => {
      const res = await post(`${sim.url}/v1/chat/completions`, chat('plain'), {
        authorization: `Bearer ${KEY}`,
      });
      expect(res.status).toBe(200);
      expect(sim.stats().providers.openai.total).toBe(1);
    });

    it('rejects a call without a key with its own 401 body', async () => {
      const res = await openai(chat('x'), 'openai', {});
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({
        error: { type: 'invalid_request_error', code: null, param: null },
      });
      expect(openAiError(res).message).toMatch(/didn't provide an API key/);
    });

    it('answers JSON-schema requests with a value that satisfies the schema', async () => {
      const schema = {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 10 },
          age: { type: 'integer', minimum: 18 },
          tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 2 },
          ok: { type: 'boolean' },
        },
        required: ['name', 'age', 'tags', 'ok'],
        additionalProperties: false,
      };
      const res = await openai(
        chat('give json', {
          response_format: { type: 'json_schema', json_schema: { name: 'person', schema } },
        }),
      );
      const value = JSON.parse(completion(res).choices[0].message.content!);
      expect(new JsonSchemaValidator().check(schema, value)).toEqual({ valid: true });
    });

    it('truncates at max_tokens with finish_reason length', async () => {
      const res = await openai(
        chat('a long prompt that produces a long echo', { max_completion_tokens: 2 }),
      );
      expect(completion(res).choices[0].finish_reason).toBe('length');
      expect(completion(res).choices[0].message.content).toHaveLength(8);
      expect(completion(res).usage!.completion_tokens).toBe(2);
    });

    it('sends 429 with retry-after, retry-after-ms and x-ratelimit headers', async () => {
      sim.addFault({ provider: 'openai', error_rate: 1, status: 429, retry_after_ms: 1500 });
      const res = await openai(chat('x'));
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(res.headers.get('retry-after-ms')).toBe('1500');
      expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(res.json).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
    });
  });

  describe('Anthropic messages', () => {
    const messageBody = (extra: Json = {}) => ({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: 'you are terse',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi claude' }] }],
      ...extra,
    });

    it('answers in the Messages format with a request-id header', async () => {
      const res = await anthropic(messageBody());
      expect(res.status).toBe(200);
      expect(res.headers.get('request-id')).toMatch(/^req_/);
      expect(res.json).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text: 'echo: hi claude' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: Math.ceil('you are tersehi claude'.length / 4), output_tokens: 4 },
      });
    });

    it('accepts the key as a Bearer token too', async () => {
      const res = await anthropic(messageBody(), {
        authorization: `Bearer ${KEY}`,
        'anthropic-version': '2023-06-01',
      });
      expect(res.status).toBe(200);
    });

    it('rejects what the real API rejects', async () => {
      const noMax = await anthropic({ ...messageBody(), max_tokens: undefined });
      expect(noMax.status).toBe(400);
      expect(noMax.json).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
      });
      const systemRole = await anthropic(
        messageBody({ messages: [{ role: 'system', content: 'x' }] }),
      );
      expect(systemRole.status).toBe(400);
      expect(anthropicError(systemRole).message).toMatch(/top-level `system` parameter/);
      const noKey = await anthropic(messageBody(), { 'anthropic-version': '2023-06-01' });
      expect(noKey.status).toBe(401);
      expect(noKey.json).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    });

    it('sends 529 overloaded_error and 429 rate_limit_error with retry-after', async () => {
      sim.addFault({ provider: 'anthropic', error_rate: 1, status: 529 });
      const overloaded = await anthropic(messageBody());
      expect(overloaded.status).toBe(529);
      expect(overloaded.json).toMatchObject({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      });
      sim.addFault({ provider: 'anthropic', status: 429, retry_after_ms: 3000 });
      const limited = await anthropic(messageBody());
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(anthropicError(limited).type).toBe('rate_limit_error');
    });

    it('answers a forced tool with a tool_use block', async () => {
      const res = await anthropic(
        messageBody({
          tools: [
            {
              name: 'emit',
              input_schema: {
                type: 'object',
                properties: { n: { type: 'number' } },
                required: ['n'],
              },
            },
          ],
          tool_choice: { type: 'tool', name: 'emit' },
        }),
      );
      expect(res.json).toMatchObject({
        stop_reason: 'tool_use',
        content: [{ type: 'tool_use', name: 'emit', input: { n: 0 } }],
      });
    });
  });

  describe('Gemini generateContent', () => {
    const request = (extra: Json = {}) => ({
      contents: [{ role: 'user', parts: [{ text: 'hi gemini' }] }],
      systemInstruction: { parts: [{ text: 'sys' }] },
      generationConfig: { maxOutputTokens: 50 },
      ...extra,
    });

    it('answers with candidates, usageMetadata, modelVersion and responseId', async () => {
      const res = await gemini('gemini-2.5-flash', request());
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        candidates: [
          {
            content: { role: 'model', parts: [{ text: 'echo: hi gemini' }] },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 },
        modelVersion: 'gemini-2.5-flash-001',
        responseId: expect.any(String),
      });
    });

    it('sends 429 RESOURCE_EXHAUSTED with RetryInfo and 503 UNAVAILABLE', async () => {
      sim.addFault({ provider: 'gemini', error_rate: 1, status: 429, retry_after_ms: 2500 });
      const limited = await gemini('gemini-2.5-flash', request());
      expect(limited.status).toBe(429);
      expect(geminiError(limited)).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
      expect(geminiError(limited).details).toContainEqual({
        '@type': 'type.googleapis.com/google.rpc.RetryInfo',
        retryDelay: '2.5s',
      });
      sim.addFault({ provider: 'gemini', status: 503 });
      const unavailable = await gemini('gemini-2.5-flash', request());
      expect(unavailable.json).toEqual({
        error: {
          code: 503,
          status: 'UNAVAILABLE',
          message: 'The model is overloaded. Please try again later.',
        },
      });
    });

    it('rejects a missing key with 401', async () => {
      const res = await gemini('gemini-2.5-flash', request(), {});
      expect(res.status).toBe(401);
      expect(geminiError(res)).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    });
  });

  describe('faults', () => {
    it('error_rate 1 always fails, 0 never, and 0.5 fails every other call', async () => {
      sim.addFault({ provider: 'openai', model: 'gpt-4o-mini', error_rate: 0.5, status: 500 });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await openai(chat('x'))).status);
      expect(statuses).toEqual([200, 500, 200, 500, 200, 500]);
      sim.addFault({ provider: 'openai', model: 'gpt-4o-mini', error_rate: 0 });
      expect((await openai(chat('x'))).status).toBe(200);
    });

    it('is keyed by provider name and model', async () => {
      sim.addFault({ provider: 'groq', error_rate: 1, status: 503 });
      sim.addFault({ provider: 'openai', model: 'gpt-4o', error_rate: 1, status: 500 });
      expect((await openai(chat('x'), 'groq')).status).toBe(503);
      expect((await openai(chat('x'), 'openai')).status).toBe(200);
      expect((await openai(chat('x', { model: 'gpt-4o' }), 'openai')).status).toBe(500);
    });

    it('hangs until the client gives up', async () => {
      sim.addFault({ provider: 'openai', hang: true });
      const call = post(
        `${sim.url}/v1/chat/completions`,
        chat('x'),
        { authorization: `Bearer ${KEY}` },
        AbortSignal.timeout(150),
      );
      await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(sim.stats().providers.openai.models['gpt-4o-mini'].outcomes).toEqual({ hang: 1 });
    });

    it('resets the connection', async () => {
      sim.addFault({ provider: 'openai', reset: true });
      await expect(openai(chat('x'))).rejects.toThrow();
      expect(sim.stats().providers.openai.models['gpt-4o-mini'].outcomes).toEqual({ reset: 1 });
    });

    it('sends malformed 200s: wrong shape or not JSON', async () => {
      sim.addFault({ provider: 'openai', malformed: true });
      const shape = await openai(chat('x'));
      expect(shape.status).toBe(200);
      expect(shape.json).toBeDefined();
      expect(completion(shape).choices).toBeUndefined();
      sim.addFault({ provider: 'openai', malformed: 'not_json' });
      const notJson = await openai(chat('x'));
      expect(notJson.status).toBe(200);
      expect(notJson.json).toBeUndefined();
    });

    it('breaks the requested schema', async () => {
      const schema = {
        type: 'object',
        properties: { answer: { type: 'string' } },
        required: ['answer'],
      };
      sim.addFault({ provider: 'gemini', break_schema: true });
      const res = await gemini('gemini-2.5-flash', {
        contents: [{ parts: [{ text: 'json please' }] }],
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema },
      });
      const text = generated(res).candidates![0].content!.parts![0].text!;
      expect(new JsonSchemaValidator().check(schema, JSON.parse(text)).valid).toBe(false);
      expect(sim.stats().providers.gemini.models['gemini-2.5-flash'].outcomes).toEqual({
        invalid_output: 1,
      });
    });

    it('rolls out a new revision that is worse', async () => {
      expect(completion(await openai(chat('x'))).model).toBe('gpt-4o-mini-2024-07-18');
      sim.addFault({
        provider: 'openai',
        model: 'gpt-4o-mini',
        revision: 'gpt-4o-mini-2025-01-01',
        worse: { error_rate: 0.5 },
      });
      const first = await openai(chat('x'));
      const second = await openai(chat('x'));
      expect(completion(first).model).toBe('gpt-4o-mini-2025-01-01');
      expect(second.status).toBe(500);
    });

    it('answers scripted prompts per model, and drifts a share of them under a worse revision', async () => {
      sim.state.replies.replace([
        { match: 'capital of Australia', model: 'gpt-4.1-nano', reply: 'Sydney' },
        { match: 'capital of Australia', reply: 'Canberra' },
      ]);
      const ask = (model: string) =>
        openai(chat('What is the capital of Australia?', { model })).then(
          (r) => completion(r).choices[0].message.content,
        );
      expect(await ask('gpt-4o-mini')).toBe('Canberra');
      expect(await ask('gpt-4.1-nano')).toBe('Sydney');
      sim.addFault({
        provider: 'openai',
        model: 'gpt-4o-mini',
        revision: 'gpt-4o-mini-2026-01-15',
        worse: { wrong_answer_rate: 0.5 },
      });
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await ask('gpt-4o-mini'));
      // Every second answer drifts to the generic one; unscripted prompts are unaffected.
      expect(answers).toEqual([
        'Canberra',
        'echo: What is the capital of Australia?',
        'Canberra',
        'echo: What is the capital of Australia?',
      ]);
      expect(sim.stats().providers.openai.models['gpt-4o-mini'].outcomes).toEqual({
        ok: 3,
        wrong_answer: 2,
      });
    });

    it('answers prompts over the context window with the provider context-length error', async () => {
      sim.addFault({ context_window: 5 });
      const res = await openai(chat('this prompt is certainly longer than twenty characters'));
      expect(res.status).toBe(400);
      expect(openAiError(res).code).toBe('context_length_exceeded');
      const claude = await anthropic({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x'.repeat(100) }],
      });
      expect(anthropicError(claude).message).toMatch(/^prompt is too long: 25 tokens > 5 maximum$/);
    });

    it('filters content in each provider format', async () => {
      sim.addFault({ content_filter: true });
      expect(completion(await openai(chat('x'))).choices[0].finish_reason).toBe('content_filter');
      const claude = await anthropic({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(claude.json).toMatchObject({ stop_reason: 'refusal', content: [] });
      const gem = await gemini('gemini-2.5-flash', { contents: [{ parts: [{ text: 'x' }] }] });
      expect(generated(gem).candidates![0].finishReason).toBe('SAFETY');
    });

    it('delays answers by latency_ms and still answers', async () => {
      sim.addFault({ latency_ms: 30, jitter_ms: 10 });
      expect(completion(await openai(chat('slow'))).choices[0].message.content).toBe('echo: slow');
    });
  });

  it('records the request body per provider without the key', async () => {
    await openai(chat('remember me'), 'mistral');
    const [recorded] = sim.requests('mistral');
    expect(recorded).toMatchObject({
      provider: 'mistral',
      api: 'openai',
      model: 'gpt-4o-mini',
      auth: 'authorization',
    });
    expect(recorded.body).toEqual(chat('remember me'));
    expect(JSON.stringify(recorded)).not.toContain(KEY);
  });

  it('closes with a call still hanging', async () => {
    const other = await startSimulator();
    other.addFault({ hang: true });
    const call = fetch(`${other.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat('x')),
    });
    while (other.stats().total === 0) await new Promise((r) => setTimeout(r, 5));
    await other.close();
    await expect(call).rejects.toThrow();
  });
});
