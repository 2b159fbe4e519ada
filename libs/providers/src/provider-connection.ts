import { ConfigError } from '@switchyard/config';
import type { ProviderConnection, ProviderKind } from './provider.types';

/** Public API roots, in the form each SDK expects as its base URL. */
export const PUBLIC_BASE_URLS: Readonly<
  Record<Exclude<ProviderKind, 'openai-compatible'>, string>
> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  google: 'https://generativelanguage.googleapis.com',
};

/** The key sent to the simulator, which accepts any key. */
export const SIMULATOR_API_KEY = 'sim-key';

/**
 * The routing-table fields a connection is resolved from. Declared here (the routing table's
 * `ProviderConfig` satisfies it) so the adapters do not import the routing library that imports them.
 */
export interface ProviderEndpoint {
  name: string;
  kind: ProviderKind;
  /** Absent means the provider's public API. */
  base_url?: string;
  /** Name of the environment variable holding the key. */
  api_key_env?: string;
}

export interface ResolvedConnection {
  connection: ProviderConnection;
  /** True when no key is configured and calls go to the provider simulator instead. */
  simulated: boolean;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function simulatorBaseUrl(provider: ProviderEndpoint, simulatorUrl: string): string {
  const root = `${withoutTrailingSlash(simulatorUrl)}/p/${encodeURIComponent(provider.name)}`;
  return provider.kind === 'openai' || provider.kind === 'openai-compatible' ? `${root}/v1` : root;
}

/**
 * Where a routing-table provider's calls go. With its key variable set: the configured base_url or
 * the public API. Without: the simulator, under /p/{provider} so its faults and stats are keyed by
 * this provider's name.
 */
export function resolveProviderConnection(
  provider: ProviderEndpoint,
  env: NodeJS.ProcessEnv,
  simulatorUrl: string,
): ResolvedConnection {
  const apiKey = provider.api_key_env ? env[provider.api_key_env] : undefined;
  if (!apiKey) {
    return {
      connection: {
        provider: provider.name,
        kind: provider.kind,
        baseURL: simulatorBaseUrl(provider, simulatorUrl),
        apiKey: SIMULATOR_API_KEY,
      },
      simulated: true,
    };
  }
  const baseURL =
    provider.base_url ??
    (provider.kind === 'openai-compatible' ? undefined : PUBLIC_BASE_URLS[provider.kind]);
  if (!baseURL) {
    throw new ConfigError(`provider "${provider.name}": kind openai-compatible needs a base_url`);
  }
  return {
    connection: {
      provider: provider.name,
      kind: provider.kind,
      baseURL: withoutTrailingSlash(baseURL),
      apiKey,
    },
    simulated: false,
  };
}
