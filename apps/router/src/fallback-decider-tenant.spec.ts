import type { JobRecord } from '@switchyard/jobs';
import { parseRoutingTable } from '@switchyard/routing';
import { decideFallback } from './fallback-decider';
import { jobRecordFixture, plannedCandidate } from '@switchyard/testing';

// The tenant lists as they are now: reloaded after the jobs below were planned with all three.
const table = parseRoutingTable(
  `
providers:
  openai: { kind: openai, api_key_env: X_OPENAI }
  anthropic: { kind: anthropic, api_key_env: X_ANTHROPIC }
  google: { kind: google, api_key_env: X_GOOGLE }
tasks:
  reasoning:
    primary: openai/gpt-4o-mini
    fallbacks: [anthropic/claude-haiku-4-5, google/gemini-2.5-flash]
tenants:
  only-google: { allowed_providers: [google] }
  no-anthropic: { denied_providers: [anthropic] }
  frugal: { daily_usd: 1 }
`,
  'inline',
  {},
).table;

const job = (tenant: string): JobRecord =>
  jobRecordFixture({ tenant }, [
    plannedCandidate('openai', 'gpt-4o-mini', 0.001),
    plannedCandidate('anthropic', 'claude-haiku-4-5', 0.004),
    plannedCandidate('google', 'gemini-2.5-flash', 0.002),
  ]);

const decide = (tenant: string, extra: object = {}) =>
  decideFallback({
    job: job(tenant),
    table,
    error: { type: 'server_error', message: '500' },
    afterCandidate: 0,
    circuits: {},
    now: Date.now(),
    ...extra,
  });

describe('decideFallback: the tenant gates', () => {
  it('never falls back onto a provider outside the tenant allowed_providers', () => {
    expect(decide('only-google')).toEqual({
      kind: 'next',
      candidate: 2,
      skipped: [{ id: 'anthropic/claude-haiku-4-5', reason: 'provider_not_allowed' }],
    });
  });

  it('never falls back onto a provider in the tenant denied_providers', () => {
    expect(decide('no-anthropic')).toMatchObject({ kind: 'next', candidate: 2 });
  });

  it('fails the job when no allowed provider is left', () => {
    const d = decideFallback({
      job: job('only-google'),
      table,
      error: { type: 'server_error', message: '500' },
      afterCandidate: 2,
      circuits: {},
      now: Date.now(),
    });
    expect(d.kind).toBe('fail');
  });

  it("skips a candidate what is left of the tenant's day cannot pay", () => {
    const d = decide('frugal', {
      tenantDailyBudget: { limit_usd: 1, spent_usd: 0.997, reserved_usd: 0.5 },
    });
    expect(d).toEqual({
      kind: 'next',
      candidate: 2,
      skipped: [{ id: 'anthropic/claude-haiku-4-5', reason: 'budget_exhausted' }],
    });
  });

  it('lets a job of a tenant the table does not list fall back as usual', () => {
    expect(decide('unlisted')).toMatchObject({ kind: 'next', candidate: 1 });
  });
});
