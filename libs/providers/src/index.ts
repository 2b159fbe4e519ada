export * from './provider.types';
export * from './provider-error';
export { createProviderAdapter } from './provider-registry';
export {
  PUBLIC_BASE_URLS,
  SIMULATOR_API_KEY,
  resolveProviderConnection,
  type ResolvedConnection,
} from './provider-connection';
export { OpenAiAdapter } from './openai/openai-adapter';
export { AnthropicAdapter } from './anthropic/anthropic-adapter';
export { GoogleAdapter } from './google/google-adapter';
export { parseJsonOutput } from './shared/json-output';
export { parseRetryAfterMs, parseDurationMs, type HeaderLookup } from './shared/retry-after';
export { classifyTransportError, type TransportFailure } from './shared/transport-errors';
export { scrubSecret, REDACTED } from './shared/secret-scrubber';
