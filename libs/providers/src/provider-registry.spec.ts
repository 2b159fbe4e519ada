import type { ProviderConfig } from '@switchyard/routing';
import { startSimulator, type RunningSimulator } from '@switchyard/simulator';
import { AnthropicAdapter } from './anthropic/anthropic-adapter';
import { GoogleAdapter } from './google/google-adapter';
import { OpenAiAdapter } from './openai/openai-adapter';
import { resolveProviderConnection } from './provider-connection';
import { createProviderAdapter } from './provider-registry';
import type { ProviderKind } from './provider.types';
import { textRequest } from './testing/provider-test-kit';

describe('createProviderAdapter', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each([
    ['openai', OpenAiAdapter],
    ['openai-compatible', OpenAiAdapter],
    ['anthropic', AnthropicAdapter],
    ['google', GoogleAdapter],
  ] as const)('builds the %s adapter', (kind, adapterClass) => {
    const adapter = createProviderAdapter({
      provider: 'x',
      kind,
      baseURL: 'http://127.0.0.1:1',
      apiKey: 'k',
    });
    expect(adapter).toBeInstanceOf(adapterClass);
    expect(adapter).toMatchObject({ provider: 'x', kind });
  });

  it.each([
    ['main-openai', 'openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
    ['groq', 'openai-compatible', 'llama-3.1-8b-instant', 'llama-3.1-8b-instant-sim-001'],
    ['claude', 'anthropic', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001'],
    ['gemini', 'google', 'gemini-2.5-flash', 'gemini-2.5-flash-001'],
  ] as const)(
    'reaches the simulator as %s (%s) when no key is configured',
    async (name, kind, model, revision) => {
      const config: ProviderConfig = {
        name,
        kind: kind as ProviderKind,
        concurrency: 1,
        timeout_ms: 5000,
        first_token_timeout_ms: 5000,
        stream_idle_timeout_ms: 5000,
        api_key_env: 'NO_SUCH_KEY',
      };
      const { connection, simulated } = resolveProviderConnection(config, {}, sim.url);
      expect(simulated).toBe(true);
      const result = await createProviderAdapter(connection).complete(
        textRequest(model, `hi ${name}`),
      );
      expect(result).toMatchObject({ text: `echo: hi ${name}`, model_revision: revision });
      expect(sim.stats().providers[name].models[model]).toEqual({ total: 1, outcomes: { ok: 1 } });
    },
  );
});
