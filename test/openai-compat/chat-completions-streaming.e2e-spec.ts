import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { TENANT_KEYS, type SwitchyardStack } from '@switchyard/testing';
import { resetCircuits } from '../resilience/resilience-support';
import {
  TASK_BY_PRIMARY,
  WEATHER_TOOL,
  openAiClient,
  startOpenAiCompatStack,
} from './openai-compat-support';

const PROMPT = 'alpha beta gamma delta epsilon zeta eta theta iota kappa';
/** The stream's keep-alive interval in this suite (also how long headers wait for a first delta). */
const KEEP_ALIVE_MS = 2000;

/**
 * Issue 18, streaming: `stream: true` through the official SDK relays the job's event stream as
 * chat.completion.chunk events. A fallback before the first chunk is invisible; a cut after chunks
 * ends the stream with an error (no [DONE]) while the job carries on to a whole answer.
 */
describe('POST /v1/chat/completions with stream: true through the openai SDK', () => {
  let stack: SwitchyardStack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startOpenAiCompatStack({ SWITCHYARD_EVENTS_KEEPALIVE_MS: String(KEEP_ALIVE_MS) });
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

  async function collect(
    task: string,
    extra: { include_usage?: boolean } = {},
  ): Promise<{ chunks: ChatCompletionChunk[]; headers: Headers }> {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: task,
        messages: [{ role: 'user', content: PROMPT }],
        stream: true,
        ...(extra.include_usage !== undefined && {
          stream_options: { include_usage: extra.include_usage },
        }),
      })
      .withResponse();
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks, headers: response.headers };
  }

  const contentOf = (chunks: ChatCompletionChunk[]) =>
    chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

  it.each(TASK_BY_PRIMARY)(
    'streams the %s primary’s answer (task %s): the chunks concatenate to the job’s result.text',
    async (provider, task) => {
      const { chunks, headers } = await collect(task, { include_usage: true });
      const id = chunks[0].id;
      const view = await stack.waitForJob(id);
      expect(view).toMatchObject({ status: 'succeeded', result: { provider } });

      expect(chunks.every((c) => c.id === id && c.object === 'chat.completion.chunk')).toBe(true);
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      expect(contentOf(chunks)).toBe(view.result.text);
      expect(view.result.text).toBe(`echo: ${PROMPT}`);

      const usage = chunks.at(-1) as ChatCompletionChunk;
      expect(usage.choices).toEqual([]);
      expect(usage.usage).toEqual({
        prompt_tokens: view.result.usage.input_tokens,
        completion_tokens: view.result.usage.output_tokens,
        total_tokens: view.result.usage.input_tokens + view.result.usage.output_tokens,
      });
      const finish = chunks.at(-2) as ChatCompletionChunk;
      expect(finish.choices[0].finish_reason).toBe('stop');
      expect(finish.model).toBe(view.result.model_revision);
      expect((finish as any).switchyard).toMatchObject({
        provider,
        model_revision: view.result.model_revision,
      });
      expect(chunks.slice(0, -2).every((c) => c.choices[0].finish_reason === null)).toBe(true);

      expect(headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(headers.get('x-switchyard-job-id')).toBe(id);
      expect(headers.get('x-switchyard-provider')).toBe(provider);
      expect(headers.get('x-switchyard-model')).toBe(view.result.model);
      expect(headers.get('x-switchyard-model-revision')).toBe(view.result.model_revision);
      expect(chunks.every((c) => c.model === view.result.model_revision)).toBe(true);
      expect(headers.get('x-switchyard-attempts')).toBe('1');
      expect(headers.get('traceparent')).toContain(`-${view.trace_id}-`);
    },
  );

  it('without include_usage there is no usage chunk; the raw stream ends with data: [DONE]', async () => {
    const { chunks } = await collect('assistant_openai');
    expect(chunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');

    const raw = await rawStream({ model: 'assistant_openai', stream: true });
    expect(raw.status).toBe(200);
    expect(raw.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('primary failing 503 before the first token: a normal stream; headers and switchyard.attempts show the fallback', async () => {
    stack.sim.addFault({ provider: 'openai', error_rate: 1, status: 503 });
    const { chunks, headers } = await collect('assistant_openai');
    expect(contentOf(chunks)).toBe(`echo: ${PROMPT}`);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(headers.get('x-switchyard-provider')).toBe('anthropic');
    expect(headers.get('x-switchyard-model-revision')).toMatch(/^claude-haiku-4-5-/);
    expect(headers.get('x-switchyard-attempts')).toBe('2');
    expect(
      (chunks.at(-1) as any).switchyard.attempts.map((a: any) => [a.provider, a.status]),
    ).toEqual([
      ['openai', 'failed'],
      ['anthropic', 'succeeded'],
    ]);
  });

  it('primary cut after 3 chunks: the SDK’s iteration throws; the job later succeeds on the fallback', async () => {
    stack.sim.addFault({ provider: 'openai', cut_after_chunks: 3 });
    const stream = await client.chat.completions.create({
      model: 'assistant_openai',
      messages: [{ role: 'user', content: PROMPT }],
      stream: true,
    });
    const received: ChatCompletionChunk[] = [];
    let thrown: unknown;
    try {
      for await (const chunk of stream) received.push(chunk);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect((thrown as InstanceType<typeof OpenAI.APIError>).code).toBe('stream_interrupted');
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
    // What reached the client was a strict prefix of the whole answer, never passed off as whole.
    const partial = contentOf(received);
    expect(`echo: ${PROMPT}`.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(`echo: ${PROMPT}`.length);

    const view = await stack.waitForJob(received[0].id);
    expect(view.status).toBe('succeeded');
    expect(view.result).toMatchObject({ provider: 'anthropic', text: `echo: ${PROMPT}` });
    expect(view.attempts.map((a: any) => [a.provider, a.status])).toEqual([
      ['openai', 'failed'],
      ['anthropic', 'succeeded'],
    ]);
  });

  it('the raw cut stream ends with data: {"error": …} and no [DONE]', async () => {
    stack.sim.addFault({ provider: 'openai', cut_after_chunks: 3 });
    const raw = await rawStream({ model: 'assistant_openai', stream: true });
    const frames = raw.text.split('\n\n').filter((f) => f.startsWith('data: '));
    expect(frames.some((f) => f === 'data: [DONE]')).toBe(false);
    expect(JSON.parse((frames.at(-1) as string).slice(6))).toEqual({
      error: expect.objectContaining({ type: 'server_error', code: 'stream_interrupted' }),
    });
  });

  it('streams tool-call deltas the SDK’s stream helper assembles into the final completion', async () => {
    const runner = client.chat.completions.stream({
      model: 'assistant_google',
      messages: [
        { role: 'user', content: 'What is the weather in Paris? Please call get_weather.' },
      ],
      tools: [WEATHER_TOOL],
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'sample', unit: 'C' });
    const view = await stack.waitForJob(final.id);
    expect(view.result.tool_calls).toEqual([
      { id: call.id, name: 'get_weather', arguments: { city: 'sample', unit: 'C' } },
    ]);
  });

  it('keep-alive comments while the first token is late; headers then name the running attempt', async () => {
    stack.sim.addFault({ provider: 'openai', first_token_delay_ms: 1.5 * KEEP_ALIVE_MS });
    const raw = await rawStream({ model: 'assistant_openai', stream: true });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('x-switchyard-provider')).toBe('openai');
    const firstData = raw.text.indexOf('data: ');
    expect(raw.text.slice(0, firstData)).toContain(': keep-alive');
    expect(raw.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('a streamed request whose job fails before any chunk gets the plain error answer', async () => {
    stack.sim.addFault({ error_rate: 1, status: 500 });
    const err = await client.chat.completions
      .create({
        model: 'assistant_openai',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(502);
    await expect(
      client.chat.completions.create({
        model: 'nope',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  async function rawStream(body: Record<string, unknown>) {
    const res = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_KEYS.acme}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: PROMPT }], ...body }),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }
});
