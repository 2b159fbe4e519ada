import type { RoutingTable, TenantConfig } from '../routing-table.types';

/** The tenant's entry of the table; a tenant the table does not list has no limits. */
export function tenantConfig(table: Pick<RoutingTable, 'tenants'>, tenant: string): TenantConfig {
  return table.tenants?.[tenant] ?? { name: tenant };
}

/**
 * Why the tenant's policy keeps a provider from serving its jobs, or undefined when it may. Pure:
 * the one rule the planner, the worker's view of the plan and the router's fallback all apply.
 */
export function providerPolicyProblem(
  tenant: TenantConfig | undefined,
  provider: string,
): string | undefined {
  if (!tenant) return undefined;
  if (tenant.allowed_providers && !tenant.allowed_providers.includes(provider)) {
    return `tenant ${tenant.name} may use only ${tenant.allowed_providers.join(', ')} (allowed_providers), not ${provider}`;
  }
  if (tenant.denied_providers?.includes(provider)) {
    return `tenant ${tenant.name} may not use ${provider} (denied_providers)`;
  }
  return undefined;
}
