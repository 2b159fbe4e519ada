import { providerPolicyProblem, tenantConfig } from './tenant-policy';

describe('providerPolicyProblem', () => {
  it('lets every provider serve a tenant without lists, or one the table does not know', () => {
    expect(providerPolicyProblem(undefined, 'openai')).toBeUndefined();
    expect(providerPolicyProblem({ name: 'acme' }, 'openai')).toBeUndefined();
    expect(tenantConfig({ tenants: {} }, 'nobody')).toEqual({ name: 'nobody' });
  });

  it('refuses a provider outside allowed_providers, naming the list', () => {
    const tenant = { name: 'acme', allowed_providers: ['anthropic'] };
    expect(providerPolicyProblem(tenant, 'anthropic')).toBeUndefined();
    expect(providerPolicyProblem(tenant, 'openai')).toBe(
      'tenant acme may use only anthropic (allowed_providers), not openai',
    );
  });

  it('refuses a provider in denied_providers and no other', () => {
    const tenant = { name: 'acme', denied_providers: ['google'] };
    expect(providerPolicyProblem(tenant, 'google')).toBe(
      'tenant acme may not use google (denied_providers)',
    );
    expect(providerPolicyProblem(tenant, 'openai')).toBeUndefined();
  });
});
