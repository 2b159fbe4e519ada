import { ConfigError } from '@switchyard/config';
import type { ProviderConfig } from '@switchyard/routing';
import { resolveProviderConnection } from './provider-connection';

const SIM = 'http://127.0.0.1:4010/';

function provider(overrides: Partial<ProviderConfig>): ProviderConfig {
  return {
    name: 'p',
    kind: 'openai',
    concurrency: 1,
    timeout_ms: 1000,
    first_token_timeout_ms: 1000,
    stream_idle_timeout_ms: 1000,
    ...overrides,
  };
}

describe('resolveProviderConnection', () => {
  it.each([
    ['openai', 'https://api.openai.com/v1'],
    ['anthropic', 'https://api.anthropic.com'],
    ['google', 'https://generativelanguage.googleapis.com'],
  ] as const)('uses the public %s API when the key variable is set', (kind, baseURL) => {
    const resolved = resolveProviderConnection(
      provider({ name: kind, kind, api_key_env: 'KEY_VAR' }),
      { KEY_VAR: 'secret' },
      SIM,
    );
    expect(resolved).toEqual({
      connection: { provider: kind, kind, baseURL, apiKey: 'secret' },
      simulated: false,
    });
  });

  it('prefers the configured base_url', () => {
    const resolved = resolveProviderConnection(
      provider({
        name: 'groq',
        kind: 'openai-compatible',
        base_url: 'https://api.groq.com/openai/v1/',
        api_key_env: 'GROQ_API_KEY',
      }),
      { GROQ_API_KEY: 'gsk' },
      SIM,
    );
    expect(resolved.connection).toMatchObject({
      baseURL: 'https://api.groq.com/openai/v1',
      apiKey: 'gsk',
    });
    expect(resolved.simulated).toBe(false);
  });

  it('requires a base_url for openai-compatible providers with a key', () => {
    const call = () =>
      resolveProviderConnection(
        provider({ name: 'groq', kind: 'openai-compatible', api_key_env: 'GROQ_API_KEY' }),
        { GROQ_API_KEY: 'gsk-secret' },
        SIM,
      );
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/groq.*base_url/);
    expect(call).not.toThrow(/gsk-secret/);
  });

  it.each([
    ['openai', 'http://127.0.0.1:4010/p/main-openai/v1'],
    ['openai-compatible', 'http://127.0.0.1:4010/p/main-openai/v1'],
    ['anthropic', 'http://127.0.0.1:4010/p/main-openai'],
    ['google', 'http://127.0.0.1:4010/p/main-openai'],
  ] as const)('targets the simulator for a %s provider without a key', (kind, baseURL) => {
    for (const config of [
      provider({ name: 'main-openai', kind }),
      provider({ name: 'main-openai', kind, api_key_env: 'UNSET_VAR' }),
    ]) {
      expect(resolveProviderConnection(config, { UNSET_VAR: '' }, SIM)).toEqual({
        connection: { provider: 'main-openai', kind, baseURL, apiKey: 'sim-key' },
        simulated: true,
      });
    }
  });
});
