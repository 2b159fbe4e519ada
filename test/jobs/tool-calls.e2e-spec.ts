import { resolve } from 'node:path';
import { REPO_ROOT, SwitchyardStack, type JobBody } from '@switchyard/testing';
import { WEATHER_TOOL as WEATHER } from '../../libs/providers/src/testing/provider-test-kit';

/**
 * Function tools through the public API: real SDKs against the simulator, ingress, router and one
 * worker per provider as separate processes on the machine's Redis.
 */
const ROUTES = resolve(REPO_ROOT, 'test/fixtures/routes.tools.e2e.yaml');

const ASK = { role: 'user', content: 'What is the weather in Paris? Please call get_weather.' };

type ToolCall = { id: string; name: string; arguments: Record<string, unknown> };
type Recorded = { body: any };

describe('tool calls through the job API', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({ routes: ROUTES });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  afterEach(() => stack.sim.clearFaults());

  async function run(body: JobBody): Promise<any> {
    const res = await stack.submit(body, { prefer: 'wait=20' });
    expect([200, 202]).toContain(res.status);
    return res.status === 200 ? res.body : stack.waitForJob(res.body.id);
  }

  /** Turn 2 of the conversation: the call the model made and the result the caller got. */
  const secondTurn = (task: string, calls: ToolCall[]): JobBody => ({
    task,
    tools: [WEATHER],
    messages: [
      ASK,
      { role: 'assistant', tool_calls: calls },
      { role: 'tool', tool_call_id: calls[0].id, content: '{"temp_c": 18}' },
    ],
  });

  const lastCall = (provider: string): Recorded => stack.sim.requests(provider).at(-1) as Recorded;

  /** Where each wire carries the call id and the result's reference to it, as the provider saw them. */
  const idsOnTheWire: Record<string, (body: any) => unknown> = {
    openai: (b) => [b.messages[1].tool_calls[0].id, b.messages[2].tool_call_id],
    anthropic: (b) => [b.messages[1].content[0].id, b.messages[2].content[0].tool_use_id],
    // Gemini has no ids: the call and its result meet by name.
    google: (b) => [
      b.contents[1].parts[0].functionCall.name,
      b.contents[2].parts[0].functionResponse.name,
    ],
  };

  it.each([
    ['openai', 'agent_openai'],
    ['anthropic', 'agent_anthropic'],
    ['google', 'agent_google'],
  ])(
    '%s: tool call, then the tool result, then the final answer (task %s)',
    async (provider, task) => {
      const first = await run({ task, tools: [WEATHER], tool_choice: 'auto', messages: [ASK] });
      expect(first.status).toBe('succeeded');
      expect(first.result).toMatchObject({ provider, finish_reason: 'tool_calls', text: '' });
      expect(first.result.tool_calls).toEqual([
        {
          id: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
          name: 'get_weather',
          arguments: { city: 'sample', unit: 'C' },
        },
      ]);

      const second = await run(secondTurn(task, first.result.tool_calls));
      expect(second.status).toBe('succeeded');
      expect(second.result).toMatchObject({ provider, finish_reason: 'stop' });
      expect(second.result.tool_calls).toBeUndefined();
      expect(second.result.text).toMatch(/^tool result: .*temp_c.*18/);
      const expected =
        provider === 'google'
          ? ['get_weather', 'get_weather']
          : [first.result.tool_calls[0].id, first.result.tool_calls[0].id];
      expect(idsOnTheWire[provider](lastCall(provider).body)).toEqual(expected);
    },
  );

  it.each([
    ['openai', 'anthropic', 'agent_openai'],
    ['google', 'openai', 'agent_google'],
  ])(
    'turn 1 on %s, turn 2 falls back to %s with the first provider’s tool call ids',
    async (first, second, task) => {
      const turn1 = await run({ task, tools: [WEATHER], messages: [ASK] });
      expect(turn1.result).toMatchObject({ provider: first, finish_reason: 'tool_calls' });
      const calls: ToolCall[] = turn1.result.tool_calls;

      stack.sim.addFault({ provider: first, error_rate: 1, status: 503 });
      const turn2 = await run(secondTurn(task, calls));
      expect(turn2.status).toBe('succeeded');
      expect(turn2.result).toMatchObject({ provider: second, finish_reason: 'stop' });
      expect(turn2.result.text).toMatch(/^tool result: .*18/);
      expect(turn2.attempts.map((a: any) => [a.provider, a.status, a.error?.type])).toEqual([
        [first, 'failed', 'overloaded'],
        [second, 'succeeded', undefined],
      ]);
      // The fallback provider was handed the ids the first one made (the simulator, like the real
      // APIs, refuses a tool result that answers no call of the message before it).
      expect(idsOnTheWire[second](lastCall(second).body)).toEqual([calls[0].id, calls[0].id]);
    },
  );

  it('treats arguments that break the tool schema as invalid_output and falls back', async () => {
    stack.sim.addFault({ provider: 'openai', break_schema: true });
    const job = await run({ task: 'agent_openai', tools: [WEATHER], messages: [ASK] });
    expect(job.status).toBe('succeeded');
    expect(job.attempts[0]).toMatchObject({
      provider: 'openai',
      status: 'failed',
      error: { type: 'invalid_output' },
    });
    expect(job.result).toMatchObject({ provider: 'anthropic', finish_reason: 'tool_calls' });
    expect(job.result.tool_calls[0].arguments).toEqual({ city: 'sample', unit: 'C' });
  });

  it('skips candidates without the tools capability, with the reason', async () => {
    const job = await run({ task: 'agent_small', tools: [WEATHER], messages: [ASK] });
    expect(job.plan).toEqual([{ provider: 'openai', model: 'gpt-4o-mini' }]);
    expect(job.skipped).toEqual([
      expect.objectContaining({
        provider: 'groq',
        model: 'llama-3.1-8b-instant',
        reason: 'missing_capability',
        detail: 'groq/llama-3.1-8b-instant lacks tools',
      }),
    ]);
    expect(job.result).toMatchObject({ provider: 'openai', finish_reason: 'tool_calls' });
    // The plan endpoint explains the same skip for the same body.
    const explained = await stack.request('POST', '/v1/routes/agent_small/plan', {
      task: 'agent_small',
      tools: [WEATHER],
      messages: [ASK],
    });
    expect(explained.status).toBe(200);
    expect(explained.body.required_capabilities).toEqual(['tools']);
    expect(explained.body.skipped.map((s: { reason: string }) => s.reason)).toEqual([
      'missing_capability',
    ]);
    // Without tools the same task still uses its primary.
    const plain = await run({ task: 'agent_small', messages: [{ role: 'user', content: 'hi' }] });
    expect(plain.result.provider).toBe('groq');
  });

  it('answers badly shaped tools, tool_choice and tool messages with 400 naming each field', async () => {
    const res = await stack.submit({
      task: 'agent_openai',
      tools: [{ name: 'get weather!', parameters: 'object' }],
      tool_choice: 'sometimes',
      messages: [ASK, { role: 'tool', content: '18 C' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('invalid_request');
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'messages[1].tool_call_id',
      'tool_choice',
      'tools[0].name',
      'tools[0].parameters',
    ]);
  });

  it('answers inconsistent tool definitions and tool messages with 400 naming each field', async () => {
    const res = await stack.submit({
      task: 'agent_openai',
      tools: [
        WEATHER,
        WEATHER,
        { name: 'broken', parameters: { type: 'object', properties: { x: { type: 'nope' } } } },
      ],
      tool_choice: { name: 'get_time' },
      messages: [
        ASK,
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', unit: 'C' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18 C' },
        { role: 'tool', tool_call_id: 'call_404', content: '19 C' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { field: 'tools[1].name', problem: 'duplicate tool name "get_weather"' },
      {
        field: 'tools[2].parameters.properties.x.type',
        problem: expect.stringMatching(/allowed values/),
      },
      { field: 'tool_choice.name', problem: 'names no tool in tools ("get_time")' },
      {
        field: 'messages[3].tool_call_id',
        problem: expect.stringMatching(/call_404/),
      },
    ]);
    // Nothing was called.
    expect(
      stack.sim.requests('openai').filter((r) => JSON.stringify(r.body).includes('call_404')),
    ).toEqual([]);
  });
});
