import type { ProviderKind } from '@switchyard/providers';
import { PROVIDER_FIELDS } from '../fields/provider.fields';
import {
  DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
  DEFAULT_PROVIDER_CONCURRENCY,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
} from '../routing-defaults';
import type { ProviderConfig, RoutingIssue } from '../routing-table.types';
import { isMapping, validateFields } from './field-validation';
import { nameProblem } from './names';

export interface ProviderEntryResult {
  provider?: ProviderConfig;
  issues: RoutingIssue[];
}

/** Validates one `providers:` entry and fills in the defaults. */
export function readProviderEntry(
  name: string,
  raw: unknown,
  path: string,
  fromEnv: ReadonlySet<string>,
): ProviderEntryResult {
  const issues: RoutingIssue[] = [];
  const badName = nameProblem('provider', name);
  if (badName) issues.push({ path, message: badName });
  const { entry, issues: refused } = withoutUnenforcedRateLimits(raw, path);
  issues.push(...refused);
  const { value: fields, issues: fieldIssues } = validateFields(
    PROVIDER_FIELDS,
    entry,
    path,
    fromEnv,
  );
  issues.push(...fieldIssues);
  if (fields && fields.kind === 'openai-compatible' && fields.base_url === undefined) {
    issues.push({ path: `${path}.base_url`, message: 'is required for kind openai-compatible' });
  }
  if (issues.length > 0 || !fields) return { issues };
  const provider: ProviderConfig = {
    name,
    kind: fields.kind as ProviderKind,
    concurrency: fields.concurrency ?? DEFAULT_PROVIDER_CONCURRENCY,
    timeout_ms: fields.timeout_ms ?? DEFAULT_PROVIDER_TIMEOUT_MS,
    first_token_timeout_ms: fields.first_token_timeout_ms ?? DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
    stream_idle_timeout_ms: fields.stream_idle_timeout_ms ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  };
  if (fields.base_url !== undefined) provider.base_url = fields.base_url;
  if (fields.api_key_env !== undefined) provider.api_key_env = fields.api_key_env;
  if (fields.rate_limit) {
    provider.rate_limit = {};
    if (fields.rate_limit.requests_per_minute !== undefined) {
      provider.rate_limit.requests_per_minute = fields.rate_limit.requests_per_minute;
    }
  }
  return { provider, issues };
}

/**
 * Takes out rate-limit keys that nothing enforces, each with an issue of its own: a limit that is
 * accepted but ignored would let an operator believe a token budget holds when it does not.
 */
function withoutUnenforcedRateLimits(
  raw: unknown,
  path: string,
): { entry: unknown; issues: RoutingIssue[] } {
  if (!isMapping(raw) || !isMapping(raw.rate_limit) || !('tokens_per_minute' in raw.rate_limit)) {
    return { entry: raw, issues: [] };
  }
  const { tokens_per_minute: _refused, ...rateLimit } = raw.rate_limit;
  return {
    entry: { ...raw, rate_limit: rateLimit },
    issues: [
      {
        path: `${path}.rate_limit.tokens_per_minute`,
        message:
          'is not enforced by Switchyard and is refused; limit the provider with requests_per_minute instead',
      },
    ],
  };
}
