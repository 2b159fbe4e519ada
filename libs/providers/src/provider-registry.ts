import { AnthropicAdapter } from './anthropic/anthropic-adapter';
import { GoogleAdapter } from './google/google-adapter';
import { OpenAiAdapter } from './openai/openai-adapter';
import type { ProviderAdapter, ProviderConnection } from './provider.types';

/** The adapter for a connection's kind; openai-compatible servers share the OpenAI adapter. */
export function createProviderAdapter(connection: ProviderConnection): ProviderAdapter {
  switch (connection.kind) {
    case 'openai':
    case 'openai-compatible':
      return new OpenAiAdapter(connection);
    case 'anthropic':
      return new AnthropicAdapter(connection);
    case 'google':
      return new GoogleAdapter(connection);
    default: {
      const unknownKind: never = connection.kind;
      throw new Error(`unknown provider kind "${String(unknownKind)}"`);
    }
  }
}
