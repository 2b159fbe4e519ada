export * from './provider.types';
export * from './provider-error';
export { createProviderAdapter } from './provider-registry';
export {
  PUBLIC_BASE_URLS,
  SIMULATOR_API_KEY,
  resolveProviderConnection,
  type ResolvedConnection,
} from './provider-connection';
// The adapter classes are not re-exported: importing this index must not load every SDK
// (createProviderAdapter loads the one a provider needs).
export { parseJsonOutput } from './shared/json-output';
export { IMAGE_TYPES_BY_KIND, imageTypesIn } from './shared/image-types';
export { parseRetryAfterMs, parseDurationMs, type HeaderLookup } from './shared/retry-after';
export { classifyTransportError, type TransportFailure } from './shared/transport-errors';
export { scrubSecret, REDACTED } from './shared/secret-scrubber';
export { createPooledFetch, type PooledFetchOptions } from './shared/pooled-fetch';
