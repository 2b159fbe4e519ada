import { PROVIDER_KINDS } from '@switchyard/providers';
import type { FieldRules } from '../validation/field-validation';
import {
  isAtLeast,
  isHttpUrl,
  isMappingValue,
  isOneOf,
  isString,
  isWholeNumber,
  matchesPattern,
} from './field-checks';

export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface RateLimitFields {
  requests_per_minute?: number;
}

const atLeastOne = (unit: string) =>
  [isWholeNumber(`must be a whole number${unit}`), isAtLeast(1, 'must be at least 1')] as const;

export const RATE_LIMIT_FIELDS: FieldRules<RateLimitFields> = {
  requests_per_minute: { presence: 'optional', checks: atLeastOne('') },
};

/** A provider of the `providers:` section. */
export interface ProviderFields {
  kind: string;
  base_url?: string;
  api_key_env?: string;
  concurrency?: number;
  rate_limit?: RateLimitFields;
  timeout_ms?: number;
  first_token_timeout_ms?: number;
  stream_idle_timeout_ms?: number;
}

const milliseconds = atLeastOne(' of milliseconds');

export const PROVIDER_FIELDS: FieldRules<ProviderFields> = {
  kind: {
    presence: 'required',
    checks: [isOneOf(PROVIDER_KINDS, `must be one of ${PROVIDER_KINDS.join(', ')}`)],
  },
  base_url: { presence: 'optional', checks: [isHttpUrl('must be an http(s) URL')] },
  // A value that is not a variable name is most likely a pasted key, so it is never echoed.
  api_key_env: {
    presence: 'optional',
    checks: [
      isString('must be the name of an environment variable'),
      matchesPattern(
        ENV_VAR_NAME,
        'must be the name of an environment variable (such as OPENAI_API_KEY), not a key',
      ),
    ],
  },
  concurrency: { presence: 'optional', checks: atLeastOne('') },
  rate_limit: {
    presence: 'optional',
    checks: [isMappingValue('must be a mapping')],
    nested: RATE_LIMIT_FIELDS,
  },
  timeout_ms: { presence: 'optional', checks: milliseconds },
  first_token_timeout_ms: { presence: 'optional', checks: milliseconds },
  stream_idle_timeout_ms: { presence: 'optional', checks: milliseconds },
};
