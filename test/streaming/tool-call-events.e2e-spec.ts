import { resolve } from 'node:path';
import { REPO_ROOT, SwitchyardStack, TENANT_KEYS } from '@switchyard/testing';
import { readSse } from './sse-client';
import { WEATHER_TOOL as WEATHER } from '../../libs/providers/src/testing/provider-test-kit';

const ROUTES = resolve(REPO_ROOT, 'test/fixtures/routes.tools.e2e.yaml');

/**
 * Issue 17: tool calls stream too. A job whose answer is a tool call shows it on
 * GET /v1/jobs/:id/events as `delta {tool_call}` fragments that add up to the call in the result.
 */
describe('tool calls as stream deltas', () => {
  let stack: SwitchyardStack;

  beforeAll(async () => {
    stack = await SwitchyardStack.start({
      routes: ROUTES,
      providers: ['openai', 'anthropic', 'google'],
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each(['openai', 'anthropic', 'google'])(
    'on %s: the tool_call fragments add up to the result tool call',
    async (provider) => {
      const submitted = await stack.submit({
        task: `agent_${provider}`,
        tools: [WEATHER],
        messages: [
          { role: 'user', content: 'What is the weather in Paris? Please call get_weather.' },
        ],
      });
      expect(submitted.status).toBe(202);
      const stream = await readSse(`${stack.baseUrl}/v1/jobs/${submitted.body.id}/events`, {
        authorization: `Bearer ${TENANT_KEYS.acme}`,
      });
      const end = stream.events.at(-1);
      expect(end?.event).toBe('job.succeeded');
      const result = end?.data.result;
      expect(result).toMatchObject({ provider, finish_reason: 'tool_calls' });
      expect(result.tool_calls).toHaveLength(1);

      const fragments = stream.events
        .filter((e) => e.event === 'delta' && e.data.tool_call)
        .map((e) => e.data.tool_call);
      expect(fragments.length).toBeGreaterThan(0);
      expect(fragments.every((f) => f.index === 0)).toBe(true);
      const call = result.tool_calls[0];
      expect(fragments.find((f) => f.id)?.id).toBe(call.id);
      expect(fragments.find((f) => f.name)?.name).toBe('get_weather');
      const argumentsText = fragments.map((f) => f.arguments as string).join('');
      expect(JSON.parse(argumentsText)).toEqual(call.arguments);
    },
  );
});
