import { TENANT_FIELDS } from '../fields/tenant.fields';
import type { RoutingIssue, TenantConfig } from '../routing-table.types';
import { describeValue } from './describe-value';
import { didYouMean } from './did-you-mean';
import { validateFields } from './field-validation';
import { indexPath } from './issue-path';
import { nameProblem } from './names';

export interface TenantEntryResult {
  tenant?: TenantConfig;
  issues: RoutingIssue[];
}

/**
 * Validates one `tenants:` entry: its limits, and every provider its allow- or deny-list names
 * against the providers the file declares (a typo would otherwise silently allow nothing, or
 * deny nothing).
 */
export function readTenantEntry(
  name: string,
  raw: unknown,
  path: string,
  fromEnv: ReadonlySet<string>,
  declaredProviders: ReadonlySet<string>,
): TenantEntryResult {
  const issues: RoutingIssue[] = [];
  const badName = nameProblem('tenant', name);
  if (badName) issues.push({ path, message: badName });
  const { value: fields, issues: fieldIssues } = validateFields(TENANT_FIELDS, raw, path, fromEnv);
  issues.push(...fieldIssues);
  if (!fields) return { issues };
  const allowed = providerList(
    fields.allowed_providers,
    `${path}.allowed_providers`,
    declaredProviders,
    issues,
  );
  const denied = providerList(
    fields.denied_providers,
    `${path}.denied_providers`,
    declaredProviders,
    issues,
  );
  if (allowed && allowed.length === 0) {
    issues.push({
      path: `${path}.allowed_providers`,
      message: 'must name at least one provider (an empty list would refuse every job)',
    });
  }
  if (allowed && denied) {
    for (const [i, provider] of denied.entries()) {
      if (allowed.includes(provider)) {
        issues.push({
          path: indexPath(`${path}.denied_providers`, i),
          message: `${JSON.stringify(provider)} is also in allowed_providers; name it in one list only`,
        });
      }
    }
  }
  if (issues.length > 0) return { issues };
  const tenant: TenantConfig = { name };
  if (fields.daily_usd !== undefined) tenant.daily_usd = fields.daily_usd;
  if (fields.alert_at !== undefined) tenant.alert_at = fields.alert_at;
  if (fields.requests_per_minute !== undefined)
    tenant.requests_per_minute = fields.requests_per_minute;
  if (allowed) tenant.allowed_providers = allowed;
  if (denied) tenant.denied_providers = denied;
  return { tenant, issues };
}

function providerList(
  raw: unknown[] | undefined,
  path: string,
  declared: ReadonlySet<string>,
  issues: RoutingIssue[],
): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const names: string[] = [];
  raw.forEach((value, i) => {
    const at = indexPath(path, i);
    if (typeof value !== 'string' || value === '') {
      issues.push({ path: at, message: `must be a provider name, got ${describeValue(value)}` });
      return;
    }
    if (!declared.has(value)) {
      issues.push({
        path: at,
        message: `unknown provider ${JSON.stringify(value)}${didYouMean(value, declared)}; declare it under providers`,
      });
      return;
    }
    if (names.includes(value)) {
      issues.push({ path: at, message: `${JSON.stringify(value)} appears twice` });
      return;
    }
    names.push(value);
  });
  return names;
}
