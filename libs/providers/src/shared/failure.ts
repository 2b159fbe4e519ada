import { ProviderError, type ProviderErrorInit, type ProviderErrorType } from '../provider-error';

/** A ProviderError whose message names the provider, as every adapter writes them. */
export function failure(
  type: ProviderErrorType,
  provider: string,
  detail: string,
  init: Omit<ProviderErrorInit, 'provider'> = {},
): ProviderError {
  return new ProviderError(type, `${provider}: ${detail}`, { provider, ...init });
}
