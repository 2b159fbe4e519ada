import type { ProviderAdapter, ProviderConnection, ProviderKind } from './provider.types';

type AdapterClass = new (connection: ProviderConnection) => ProviderAdapter;

/*
 * Each adapter module is loaded the first time a provider of its kind is built, not at import:
 * a worker serves one provider, and each SDK costs 10–20 MB of memory and 0.1–0.2 s of start-up
 * once loaded (measured with `node -e "require('@google/genai')"`), for nothing in every process
 * that never calls it. Hence the synchronous require, typed by the module it loads.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const ADAPTERS: Record<ProviderKind, () => AdapterClass> = {
  openai: () =>
    (require('./openai/openai-adapter') as typeof import('./openai/openai-adapter')).OpenAiAdapter,
  'openai-compatible': () => ADAPTERS.openai(),
  anthropic: () =>
    (require('./anthropic/anthropic-adapter') as typeof import('./anthropic/anthropic-adapter'))
      .AnthropicAdapter,
  google: () =>
    (require('./google/google-adapter') as typeof import('./google/google-adapter')).GoogleAdapter,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The adapter for a connection's kind; openai-compatible servers share the OpenAI adapter. */
export function createProviderAdapter(connection: ProviderConnection): ProviderAdapter {
  const load = (ADAPTERS as Partial<Record<string, () => AdapterClass>>)[connection.kind];
  if (!load) throw new Error(`unknown provider kind "${String(connection.kind)}"`);
  const Adapter = load();
  return new Adapter(connection);
}
