import { resolve } from 'node:path';
import OpenAI from 'openai';
import { REPO_ROOT, SwitchyardStack, TENANT_KEYS } from '@switchyard/testing';

export const OPENAI_COMPAT_ROUTES = resolve(
  REPO_ROOT,
  'test/fixtures/routes.openai-compat.e2e.yaml',
);

/** The task whose primary is each provider kind (and the provider that answers it). */
export const TASK_BY_PRIMARY: Array<[provider: string, task: string]> = [
  ['openai', 'assistant_openai'],
  ['anthropic', 'assistant_anthropic'],
  ['google', 'assistant_google'],
  ['groq', 'assistant_compatible'],
];

export const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The current weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
};

/**
 * The official SDK pointed at the stack: the two lines an application changes. No retries, so a
 * test sees each answer as it was given.
 */
export function openAiClient(stack: SwitchyardStack, apiKey: string = TENANT_KEYS.acme): OpenAI {
  return new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey, maxRetries: 0 });
}

export function startOpenAiCompatStack(env: Record<string, string> = {}): Promise<SwitchyardStack> {
  return SwitchyardStack.start({ routes: OPENAI_COMPAT_ROUTES, env });
}
