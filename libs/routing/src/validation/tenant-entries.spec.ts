import { stringify } from 'yaml';
import { loadModelCatalog } from '../loading/model-catalog';
import { parseRoutingTable } from '../loading/parse-routing-table';
import { RoutingTableError } from '../routing-table-error';
import type { RoutingIssue } from '../routing-table.types';

const catalog = loadModelCatalog();
const KEYS = { OPENAI_API_KEY: 'k1', ANTHROPIC_API_KEY: 'k2' };

function doc(extra: Record<string, unknown>, taskExtra: Record<string, unknown> = {}) {
  return stringify({
    providers: {
      openai: { kind: 'openai', api_key_env: 'OPENAI_API_KEY' },
      anthropic: { kind: 'anthropic', api_key_env: 'ANTHROPIC_API_KEY' },
    },
    tasks: {
      chat: {
        primary: 'openai/gpt-4o-mini',
        fallbacks: ['anthropic/claude-haiku-4-5'],
        ...taskExtra,
      },
    },
    ...extra,
  });
}

const parse = (text: string) => parseRoutingTable(text, 'test.yaml', KEYS, { catalog });

function errorsOf(text: string): RoutingIssue[] {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof RoutingTableError) return error.issues;
    throw error;
  }
  throw new Error('expected the routes file to be rejected');
}

describe('routes file: tenants', () => {
  it('reads every tenant key, and a table without tenants has none', () => {
    const { table } = parse(
      doc({
        tenants: {
          acme: {
            daily_usd: 5,
            alert_at: 0.9,
            requests_per_minute: 120,
            allowed_providers: ['anthropic'],
          },
          globex: { denied_providers: ['openai'] },
        },
      }),
    );
    expect(table.tenants.acme).toEqual({
      name: 'acme',
      daily_usd: 5,
      alert_at: 0.9,
      requests_per_minute: 120,
      allowed_providers: ['anthropic'],
    });
    expect(table.tenants.globex).toEqual({ name: 'globex', denied_providers: ['openai'] });
    expect(parse(doc({})).table.tenants).toEqual({});
    // Not an Object.prototype member: a tenant called "constructor" is simply not listed.
    expect(parse(doc({})).table.tenants.constructor).toBeUndefined();
  });

  it('reports each bad field at its path, with a did-you-mean for typos', () => {
    const issues = errorsOf(
      doc({
        tenants: {
          acme: {
            daily_usd: -1,
            alert_at: 1.5,
            requests_per_minute: 1.5,
            allowed_providers: ['opneai', 'anthropic', 'anthropic'],
            denied_provider: ['openai'],
          },
          'bad name': {},
          globex: { allowed_providers: [] },
          initech: { allowed_providers: ['openai'], denied_providers: ['openai'] },
        },
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'tenants.acme.daily_usd', message: 'must be greater than 0, got -1' },
        { path: 'tenants.acme.alert_at', message: 'must be in (0, 1], got 1.5' },
        { path: 'tenants.acme.requests_per_minute', message: 'must be a whole number, got 1.5' },
        {
          path: 'tenants.acme.allowed_providers[0]',
          message: 'unknown provider "opneai" (did you mean "openai"?); declare it under providers',
        },
        { path: 'tenants.acme.allowed_providers[2]', message: '"anthropic" appears twice' },
        {
          path: 'tenants.acme.denied_provider',
          message: 'unknown field (did you mean "denied_providers"?)',
        },
        expect.objectContaining({ path: 'tenants["bad name"]' }),
        {
          path: 'tenants.globex.allowed_providers',
          message: 'must name at least one provider (an empty list would refuse every job)',
        },
        {
          path: 'tenants.initech.denied_providers[0]',
          message: '"openai" is also in allowed_providers; name it in one list only',
        },
      ]),
    );
  });

  it('refuses an unknown top-level key naming tenants among the expected ones', () => {
    expect(errorsOf(doc({ tenant: {} }))).toEqual([
      {
        path: 'tenant',
        message:
          'unknown top-level field (did you mean "tenants"?); expected providers, models, tasks, tenants',
      },
    ]);
  });
});

describe('routes file: the response cache of a task', () => {
  it('reads cache.ttl_s, and a task without cache has none', () => {
    expect(parse(doc({}, { cache: { ttl_s: 3600 } })).table.tasks.chat.cache).toEqual({
      ttl_s: 3600,
    });
    expect(parse(doc({})).table.tasks.chat.cache).toBeUndefined();
  });

  it('refuses a cache without a sensible ttl_s', () => {
    expect(errorsOf(doc({}, { cache: { ttl_s: 0 } }))).toEqual([
      { path: 'tasks.chat.cache.ttl_s', message: 'must be at least 1, got 0' },
    ]);
    expect(errorsOf(doc({}, { cache: {} }))).toEqual([
      { path: 'tasks.chat.cache.ttl_s', message: 'is required' },
    ]);
    expect(errorsOf(doc({}, { cache: true }))).toEqual([
      { path: 'tasks.chat.cache', message: 'must be a mapping such as { ttl_s: 3600 }, got true' },
    ]);
    expect(errorsOf(doc({}, { cache: { ttl: 60 } }))).toEqual(
      expect.arrayContaining([
        { path: 'tasks.chat.cache.ttl', message: 'unknown field (did you mean "ttl_s"?)' },
      ]),
    );
  });
});
