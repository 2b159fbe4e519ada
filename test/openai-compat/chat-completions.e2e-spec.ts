import OpenAI from 'openai';
import { standardResponseFormat } from 'openai/helpers/standard-schema';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { SwitchyardStack } from '@switchyard/testing';
import { resetCircuits } from '../resilience/resilience-support';
import {
  TASK_BY_PRIMARY,
  WEATHER_TOOL,
  openAiClient,
  startOpenAiCompatStack,
} from './openai-compat-support';

const PROMPT = 'one two three four five';

/**
 * Issue 18, non-streaming: the official `openai` SDK with its base URL on Switchyard. Each
 * request runs as a job of the task named by `model` (ingress, router and workers as separate
 * processes, the simulator behind), and the SDK sees OpenAI's objects and error classes.
 */
describe('POST /v1/chat/completions and /v1/models through the openai SDK', () => {
  let stack: SwitchyardStack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startOpenAiCompatStack();
    client = openAiClient(stack);
  });

  afterEach(async () => {
    if (!stack) return;
    stack.sim.clearFaults();
    await resetCircuits(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const job = async (id: string) => (await stack.request('GET', `/v1/jobs/${id}`)).body;

  it.each(TASK_BY_PRIMARY)(
    'answers a chat.completion served by the %s primary (task %s), visible as a job',
    async (provider, task) => {
      const { data, response } = await client.chat.completions
        .create({
          model: task,
          messages: [
            { role: 'developer', content: 'Be brief.' },
            { role: 'user', content: PROMPT },
          ],
          user: 'end-user-7',
          metadata: { ticket: 'T-1' },
        })
        .withResponse();

      const view = await job(data.id);
      expect(view).toMatchObject({
        status: 'succeeded',
        task,
        metadata: { ticket: 'T-1', user: 'end-user-7' },
        result: { provider },
      });
      expect(data).toMatchObject({
        id: view.id,
        object: 'chat.completion',
        model: view.result.model_revision,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: `echo: ${PROMPT}` },
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: view.result.usage.input_tokens,
          completion_tokens: view.result.usage.output_tokens,
          total_tokens: view.result.usage.input_tokens + view.result.usage.output_tokens,
        },
      });
      expect(data.choices[0].message.content).toBe(view.result.text);
      expect(data.created).toBe(Math.floor(Date.parse(view.created_at) / 1000));
      expect((data as any).switchyard).toEqual({
        job_id: view.id,
        task,
        provider,
        model: view.result.model,
        model_revision: view.result.model_revision,
        attempts: [{ provider, model: view.result.model, status: 'succeeded' }],
        cost_usd: view.cost_usd,
        trace_id: view.trace_id,
      });
      // The OpenAI wire's backend fingerprint comes through; the other wires have none.
      if (provider === 'openai' || provider === 'groq')
        expect(data.system_fingerprint).toEqual(expect.any(String));
      else expect(data.system_fingerprint).toBeUndefined();
      expect(headerRecord(response.headers)).toMatchObject({
        'x-switchyard-job-id': view.id,
        'x-switchyard-provider': provider,
        'x-switchyard-model': view.result.model,
        'x-switchyard-model-revision': view.result.model_revision,
        'x-switchyard-attempts': '1',
        'x-switchyard-cost-usd': String(view.cost_usd),
        traceparent: expect.stringContaining(`-${view.trace_id}-`),
      });
      // The system prompt reached the provider (the developer role is system instructions).
      expect(JSON.stringify(stack.sim.requests(provider).at(-1)?.body)).toContain('Be brief.');
    },
  );

  it('response_format json_schema returns parseable JSON, and chat.completions.parse parses it', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name', 'age'],
      additionalProperties: false,
    };
    const created = await client.chat.completions.create({
      model: 'extraction',
      messages: [{ role: 'user', content: 'Ada, 36' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'person', schema, strict: true },
      },
    });
    const parsedByHand = JSON.parse(created.choices[0].message.content as string);
    expect(parsedByHand).toEqual({ name: expect.any(String), age: expect.any(Number) });
    expect((await job(created.id)).result.json).toEqual(parsedByHand);

    // The SDK's parse helper with a Standard Schema validator (zod is not installed here).
    type Person = { name: string; age: number };
    const person = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        types: undefined as unknown as { input: Person; output: Person },
        validate: (value: unknown) =>
          value && typeof (value as Person).name === 'string'
            ? { value: value as Person }
            : { issues: [{ message: 'not a person' }] },
      },
    };
    const parsed = await client.chat.completions.parse({
      model: 'extraction',
      messages: [{ role: 'user', content: 'Grace, 45' }],
      response_format: standardResponseFormat(person, 'person', { schema }),
    });
    expect(parsed.choices[0].message.parsed).toEqual({
      name: expect.any(String),
      age: expect.any(Number),
    });
  });

  it('runs a two-turn tool conversation', async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'What is the weather in Paris? Please call get_weather.' },
    ];
    const first = await client.chat.completions.create({
      model: 'assistant_openai',
      messages,
      tools: [WEATHER_TOOL],
      tool_choice: 'auto',
    });
    const turn = first.choices[0];
    expect(turn.finish_reason).toBe('tool_calls');
    expect(turn.message.content).toBeNull();
    const call = turn.message.tool_calls?.[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'sample', unit: 'C' });

    messages.push(turn.message, { role: 'tool', tool_call_id: call.id, content: '{"temp_c": 18}' });
    const second = await client.chat.completions.create({
      model: 'assistant_openai',
      messages,
      tools: [WEATHER_TOOL],
    });
    expect(second.choices[0].finish_reason).toBe('stop');
    expect(second.choices[0].message.content).toMatch(/^tool result: .*temp_c.*18/);
  });

  it('primary failing 503 before the first token: a normal answer; headers and switchyard.attempts show the fallback', async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 503 });
    const { data, response } = await client.chat.completions
      .create({ model: 'assistant_openai', messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe(`echo: ${PROMPT}`);
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect((data as any).switchyard.attempts).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        status: 'failed',
        error: { type: 'overloaded', message: expect.any(String) },
      },
      { provider: 'anthropic', model: 'claude-haiku-4-5', status: 'succeeded' },
    ]);
  });

  it('every candidate failing: 502 InternalServerError with the last error and the attempts', async () => {
    stack.sim.addFault({ error_rate: 1, status: 500 });
    const err = await client.chat.completions
      .create({ model: 'assistant_openai', messages: [{ role: 'user', content: PROMPT }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const e = err as InstanceType<typeof OpenAI.InternalServerError>;
    expect(e.status).toBe(502);
    expect(e.code).toBe('server_error');
    const body = e.error as any;
    expect(body.switchyard.error).toEqual({ type: 'server_error', message: expect.any(String) });
    expect(body.switchyard.attempts.map((a: any) => [a.provider, a.status])).toEqual([
      ['openai', 'failed'],
      ['anthropic', 'failed'],
      ['google', 'failed'],
    ]);
    const jobId = e.headers?.get('x-switchyard-job-id') as string;
    expect((await job(jobId)).status).toBe('failed');
  });

  it('every candidate behind an open circuit: 503 providers_unavailable', async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 503 });
    stack.sim.addFault({ provider: 'anthropic', error_rate: 1, status: 503 });
    const statuses: number[] = [];
    // Five failures in a row open a provider's circuit; then planning finds no candidate.
    for (let i = 0; i < 12 && statuses.at(-1) !== 503; i++) {
      const err = await client.chat.completions
        .create({ model: 'pair', messages: [{ role: 'user', content: `try ${i}` }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      statuses.push((err as InstanceType<typeof OpenAI.InternalServerError>).status as number);
      if (statuses.at(-1) === 503) {
        const e = err as InstanceType<typeof OpenAI.InternalServerError>;
        expect(e.code).toBe('providers_unavailable');
        expect(e.type).toBe('server_error');
      }
    }
    expect(statuses.slice(0, -1).every((s) => s === 502)).toBe(true);
    expect(statuses.at(-1)).toBe(503);
  });

  it('deadline passed: 504 deadline_exceeded', async () => {
    stack.sim.addFault({ provider: 'openai', hang: true });
    const started = Date.now();
    const err = await client.chat.completions
      .create({ model: 'hurried', messages: [{ role: 'user', content: PROMPT }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const e = err as InstanceType<typeof OpenAI.InternalServerError>;
    expect(e.status).toBe(504);
    expect(e.code).toBe('deadline_exceeded');
    expect(Date.now() - started).toBeLessThan(8000);
    const view = await job(e.headers?.get('x-switchyard-job-id') as string);
    expect(view.status).toBe('failed');
  });

  it('budget spent: RateLimitError with code budget_exhausted and Retry-After', async () => {
    const err = await client.chat.completions
      .create({ model: 'spent', messages: [{ role: 'user', content: PROMPT }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.code).toBe('budget_exhausted');
    expect(e.type).toBe('rate_limit_error');
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
  });

  it('unknown model: NotFoundError model_not_found listing the tasks', async () => {
    const err = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: PROMPT }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const e = err as InstanceType<typeof OpenAI.NotFoundError>;
    expect(e.code).toBe('model_not_found');
    expect(e.param).toBe('model');
    expect(e.message).toContain('assistant_openai, extraction, hurried, pair, spent');
  });

  it('fields not every candidate honours, and invalid ones, answer 400 with param', async () => {
    const refusal = async (body: Record<string, unknown>) => {
      const err = await client.chat.completions
        .create({
          model: 'assistant_openai',
          messages: [{ role: 'user', content: 'hi' }],
          ...body,
        } as any)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      return err as InstanceType<typeof OpenAI.BadRequestError>;
    };
    const jobCount = async () =>
      (await stack.request('GET', '/v1/jobs?task=assistant_openai&limit=100')).body.jobs.length;
    const before = await jobCount();
    expect((await refusal({ n: 2 })).param).toBe('n');
    expect((await refusal({ logprobs: true })).param).toBe('logprobs');
    expect((await refusal({ seed: 7 })).param).toBe('seed');
    expect((await refusal({ parallel_tool_calls: false, tools: [WEATHER_TOOL] })).param).toBe(
      'parallel_tool_calls',
    );
    // Checked by the job API's own validation, named in the request's terms.
    expect((await refusal({ temperature: 3 })).param).toBe('temperature');
    expect((await refusal({ max_completion_tokens: 0 })).param).toBe('max_completion_tokens');
    const badTool = await refusal({
      tools: [
        { type: 'function', function: { name: 'no spaces', parameters: { type: 'object' } } },
      ],
    });
    expect(badTool.param).toBe('tools[0].function.name');
    // None of them became a job.
    expect(await jobCount()).toBe(before);
  });

  it('a bad key is AuthenticationError; Idempotency-Key replays the same job', async () => {
    const outsider = new OpenAI({
      baseURL: `${stack.baseUrl}/v1`,
      apiKey: 'sk-wrong',
      maxRetries: 0,
    });
    const err = await outsider.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');

    const body = {
      model: 'assistant_openai',
      messages: [{ role: 'user' as const, content: 'once' }],
    };
    const headers = { 'Idempotency-Key': `oai-${Date.now()}` };
    const first = await client.chat.completions.create(body, { headers });
    const again = await client.chat.completions.create(body, { headers });
    expect(again.id).toBe(first.id);
    expect(again.choices[0].message.content).toBe(first.choices[0].message.content);
  });

  it('models.list() lists the tasks; models.retrieve() answers one or NotFoundError', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((m) => m.id)).toEqual([
      'assistant_anthropic',
      'assistant_compatible',
      'assistant_google',
      'assistant_openai',
      'extraction',
      'hurried',
      'pair',
      'spent',
    ]);
    expect(models[0]).toEqual({
      id: 'assistant_anthropic',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'switchyard',
    });
    expect(await client.models.retrieve('extraction')).toMatchObject({ id: 'extraction' });
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('a body that is not JSON answers in OpenAI error shape too', async () => {
    const res = await stack.request('POST', '/v1/chat/completions', '{"model":', {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message: expect.any(String),
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_json',
      },
    });
  });
});

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  return record;
}
