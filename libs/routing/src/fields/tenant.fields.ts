import type { FieldRules } from '../validation/field-validation';
import { isAtLeast, isList, isWholeNumber } from './field-checks';
import { alertAtChecks, usdAboveZero } from './task.fields';

/** A tenant of the `tenants:` section. */
export interface TenantFields {
  daily_usd?: number;
  alert_at?: number;
  requests_per_minute?: number;
  allowed_providers?: unknown[];
  denied_providers?: unknown[];
}

const providerNames = [isList('must be a list of provider names')] as const;

export const TENANT_FIELDS: FieldRules<TenantFields> = {
  daily_usd: { presence: 'optional', checks: usdAboveZero },
  alert_at: { presence: 'optional', checks: alertAtChecks },
  requests_per_minute: {
    presence: 'optional',
    checks: [isWholeNumber('must be a whole number'), isAtLeast(1, 'must be at least 1')],
  },
  // Entries are checked one by one afterwards, so each bad one gets its own indexed path.
  allowed_providers: { presence: 'optional', checks: providerNames },
  denied_providers: { presence: 'optional', checks: providerNames },
};
