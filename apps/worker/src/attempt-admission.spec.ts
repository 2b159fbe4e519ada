import type { JobRecord } from '@switchyard/jobs';
import { parseRoutingTable } from '@switchyard/routing';
import { admitAttempt, admitReservation } from './attempt-admission';
import { jobRecordFixture } from '@switchyard/testing';

const table = parseRoutingTable(
  `
providers:
  openai: { kind: openai, api_key_env: X_OPENAI }
  anthropic: { kind: anthropic, api_key_env: X_ANTHROPIC }
tasks:
  reasoning:
    primary: openai/gpt-4o-mini
    fallbacks: [anthropic/claude-haiku-4-5]
tenants:
  no-openai: { denied_providers: [openai] }
`,
  'inline',
  {},
).table;

const now = Date.parse('2026-12-02T05:00:00Z');
const data = { job_id: 'job_1', hop: 0, candidate: 0, provider: 'openai', model: 'gpt-4o-mini' };

const job = (overrides: Partial<JobRecord> = {}): JobRecord =>
  jobRecordFixture({ deadline_at: now + 30_000, ...overrides }, undefined, now);

const closed = () => true;
const admit = (
  j: JobRecord | undefined,
  overrides: Partial<Parameters<typeof admitAttempt>[0]> = {},
) => admitAttempt({ data, job: j, table, circuitAllowed: closed, now, ...overrides });

describe('admitAttempt', () => {
  it('runs a hop of a running job with the table entries in force, its estimate and the time left', () => {
    const j = job();
    expect(admit(j)).toMatchObject({
      kind: 'run',
      job: j,
      task: { name: 'reasoning' },
      tenant: { name: 't' },
      model: { id: 'openai/gpt-4o-mini' },
      provider: { name: 'openai' },
      estimateUsd: 0.002,
      remainingMs: 30_000,
    });
  });

  it('stands down when the job is gone, ended, or a newer hop owns it, handing back the job to re-announce', () => {
    expect(admit(undefined)).toEqual({ kind: 'standDown' });
    const cancelled = job({ status: 'cancelled' });
    expect(admit(cancelled)).toEqual({ kind: 'standDown', job: cancelled });
    expect(admit(job({ current_hop: 1 }))).toMatchObject({ kind: 'standDown' });
  });

  it('hands off when the table no longer has the task or the model', () => {
    expect(admit(job({ task: 'gone' }))).toMatchObject({
      kind: 'handOff',
      error: { type: 'route_removed' },
    });
    expect(
      admitAttempt({
        data: { ...data, model: 'gpt-gone' },
        job: job(),
        table,
        circuitAllowed: closed,
        now,
      }),
    ).toMatchObject({ kind: 'handOff', error: { type: 'route_removed' } });
  });

  it("hands off through the candidate gate: the tenant's providers, the deadline, the job's budget, the circuits", () => {
    const typeOf = (a: ReturnType<typeof admitAttempt>) =>
      a.kind === 'handOff' ? a.error.type : a.kind;
    expect(typeOf(admit(job({ tenant: 'no-openai' })))).toBe('provider_not_allowed');
    expect(typeOf(admit(job({ deadline_at: now })))).toBe('deadline_exceeded');
    expect(typeOf(admit(job({ max_cost_usd: 0.003, cost_usd: 0.002 })))).toBe('over_budget');
    expect(typeOf(admit(job({ max_cost_usd: 0.004, cost_usd: 0.002 })))).toBe('run');
    expect(typeOf(admit(job(), { circuitAllowed: (key) => key !== 'openai/gpt-4o-mini' }))).toBe(
      'circuit_open',
    );
    expect(typeOf(admit(job(), { circuitAllowed: (key) => key !== 'openai' }))).toBe(
      'circuit_open',
    );
  });
});

describe('admitReservation', () => {
  const refusal = { type: 'budget_exhausted', message: 'no' };

  it('runs with the reservation made, or with none when the task has no daily budget', () => {
    expect(admitReservation({ kind: 'reserved', reservationId: 'r1' }, false)).toEqual({
      kind: 'run',
      reservationId: 'r1',
    });
    expect(admitReservation({ kind: 'none' }, false)).toEqual({ kind: 'run' });
  });

  it("hands a refusal to the router like the gate's refusals", () => {
    expect(admitReservation({ kind: 'refused', error: refusal }, false)).toEqual({
      kind: 'handOff',
      error: refusal,
    });
  });

  it('stands down when the job ended while the reservation waited, handing the reservation back', () => {
    expect(admitReservation({ kind: 'reserved', reservationId: 'r1' }, true)).toEqual({
      kind: 'standDown',
      unusedReservationId: 'r1',
    });
    expect(admitReservation({ kind: 'refused', error: refusal }, true)).toEqual({
      kind: 'standDown',
      unusedReservationId: undefined,
    });
  });
});
