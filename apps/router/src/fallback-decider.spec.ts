import type { CircuitSnapshot } from '@switchyard/circuit-breaker';
import { fallbackSnapshotOf, type JobRecord } from '@switchyard/jobs';
import { parseRoutingTable, type RoutingTable } from '@switchyard/routing';
import { decideFallback } from './fallback-decider';
import { jobRecordFixture, plannedCandidate } from '@switchyard/testing';

const table: RoutingTable = parseRoutingTable(
  `
providers:
  openai: { kind: openai, api_key_env: X_OPENAI }
  anthropic: { kind: anthropic, api_key_env: X_ANTHROPIC }
  google: { kind: google, api_key_env: X_GOOGLE }
tasks:
  reasoning:
    primary: openai/gpt-4o-mini
    fallbacks: [anthropic/claude-haiku-4-5, google/gemini-2.5-flash]
  strict:
    primary: openai/gpt-4o-mini
    fallbacks: [google/gemini-2.5-flash]
    requires: [json_schema]
    on_invalid_output: fail
`,
  'inline',
  {},
).table;

const job = (overrides: Partial<JobRecord> = {}): JobRecord =>
  jobRecordFixture(overrides, [
    plannedCandidate('openai', 'gpt-4o-mini', 0.001),
    plannedCandidate('anthropic', 'claude-haiku-4-5', 0.004),
    plannedCandidate('google', 'gemini-2.5-flash', 0.002),
  ]);

const open = { state: 'open' } as CircuitSnapshot;
const serverError = { type: 'server_error', message: '500' };

describe('decideFallback', () => {
  it('moves to the next candidate after a retryable provider failure', () => {
    const d = decideFallback({
      job: job(),
      table,
      error: serverError,
      afterCandidate: 0,
      circuits: {},
      now: Date.now(),
    });
    expect(d).toEqual({ kind: 'next', candidate: 1, skipped: [] });
  });

  it('fails a pinned job instead of falling back, even when later candidates could serve it', () => {
    const d = decideFallback({
      job: job({ pin: 'openai/gpt-4o-mini' }),
      table,
      error: serverError,
      afterCandidate: 0,
      circuits: {},
      now: Date.now(),
    });
    expect(d).toEqual({
      kind: 'fail',
      reason: 'pinned to openai/gpt-4o-mini: a pinned job never falls back',
      skipped: [],
    });
  });

  it('skips a candidate whose provider or model circuit is open', () => {
    const byProvider = decideFallback({
      job: job(),
      table,
      error: serverError,
      afterCandidate: 0,
      circuits: { anthropic: open },
      now: Date.now(),
    });
    expect(byProvider).toMatchObject({ kind: 'next', candidate: 2 });
    expect(byProvider.skipped).toEqual([
      { id: 'anthropic/claude-haiku-4-5', reason: 'circuit_open' },
    ]);
    const byModel = decideFallback({
      job: job(),
      table,
      error: serverError,
      afterCandidate: 0,
      circuits: { 'anthropic/claude-haiku-4-5': open },
      now: Date.now(),
    });
    expect(byModel).toMatchObject({ kind: 'next', candidate: 2 });
  });

  it('does not skip a candidate whose shared circuit state is open but past its cooldown', () => {
    const now = Date.now();
    const cooling = { state: 'open', retryAt: now + 5_000 } as CircuitSnapshot;
    const cooled = { state: 'open', retryAt: now - 1 } as CircuitSnapshot;
    const base = { job: job(), table, error: serverError, afterCandidate: 0, now };
    expect(decideFallback({ ...base, circuits: { anthropic: cooling } })).toMatchObject({
      candidate: 2,
    });
    // The breaker lets a probe through once the cooldown ends: the candidate is tried.
    expect(decideFallback({ ...base, circuits: { anthropic: cooled } })).toEqual({
      kind: 'next',
      candidate: 1,
      skipped: [],
    });
  });

  it('decides the same on the snapshot a hand-off carries as on the job record', () => {
    const record = job({ cost_usd: 0.0005, max_cost_usd: 0.004 });
    const base = { table, error: serverError, afterCandidate: 0, circuits: {}, now: Date.now() };
    const fromRecord = decideFallback({ ...base, job: record });
    // Wire-shaped, as the router receives it; the attempt's 0.0001 is charged in the snapshot.
    const snapshot = JSON.parse(JSON.stringify(fallbackSnapshotOf(record, 0.0001)));
    expect(decideFallback({ ...base, job: snapshot })).toEqual(fromRecord);
    // Over budget after this attempt's cost: anthropic's 0.004 no longer fits, google's 0.002 does.
    expect(fromRecord).toMatchObject({ kind: 'next', candidate: 2 });
  });

  it('skips a candidate whose provider a 429 paused past the job deadline, not one paused shorter', () => {
    const j = job();
    const paused = decideFallback({
      job: j,
      table,
      error: { type: 'rate_limited', message: '429' },
      afterCandidate: 0,
      circuits: {},
      pausedUntil: { anthropic: j.deadline_at + 1 },
      now: Date.now(),
    });
    expect(paused).toEqual({
      kind: 'next',
      candidate: 2,
      skipped: [{ id: 'anthropic/claude-haiku-4-5', reason: 'rate_limited' }],
    });
    const brief = decideFallback({
      job: j,
      table,
      error: serverError,
      afterCandidate: 0,
      circuits: {},
      pausedUntil: { anthropic: j.deadline_at - 10_000 },
      now: Date.now(),
    });
    expect(brief).toEqual({ kind: 'next', candidate: 1, skipped: [] });
  });

  it('skips a candidate the remaining job budget cannot pay for', () => {
    const d = decideFallback({
      job: job({ max_cost_usd: 0.005, cost_usd: 0.002 }),
      table,
      error: serverError,
      afterCandidate: 0,
      circuits: {},
      now: Date.now(),
    });
    expect(d).toMatchObject({ kind: 'next', candidate: 2, skipped: [{ reason: 'over_budget' }] });
  });

  it("hands a budget refusal to the next candidate today's remaining budget can pay", () => {
    const d = decideFallback({
      job: job(),
      table,
      error: { type: 'budget_exhausted', message: 'daily budget cannot pay openai' },
      afterCandidate: 0,
      circuits: {},
      now: Date.now(),
      // $0.003 unspent (reservations aside): anthropic's $0.004 does not fit, google's $0.002 does
      dailyBudget: { limit_usd: 0.01, spent_usd: 0.007, reserved_usd: 0.003 },
    });
    expect(d).toEqual({
      kind: 'next',
      candidate: 2,
      skipped: [{ id: 'anthropic/claude-haiku-4-5', reason: 'budget_exhausted' }],
    });
    const none = decideFallback({
      job: job(),
      table,
      error: { type: 'budget_exhausted', message: '' },
      afterCandidate: 0,
      circuits: {},
      now: Date.now(),
      dailyBudget: { limit_usd: 0.01, spent_usd: 0.0095, reserved_usd: 0 },
    });
    expect(none.kind).toBe('fail');
  });

  it('fails when the plan is exhausted, the deadline passed, or the error does not fall back', () => {
    const now = Date.now();
    expect(
      decideFallback({
        job: job(),
        table,
        error: serverError,
        afterCandidate: 2,
        circuits: {},
        now,
      }).kind,
    ).toBe('fail');
    expect(
      decideFallback({
        job: job({ deadline_at: now - 1 }),
        table,
        error: serverError,
        afterCandidate: 0,
        circuits: {},
        now,
      }).kind,
    ).toBe('fail');
    for (const type of ['bad_request', 'content_filtered', 'deadline_exceeded']) {
      expect(
        decideFallback({
          job: job(),
          table,
          error: { type, message: '' },
          afterCandidate: 0,
          circuits: {},
          now,
        }).kind,
      ).toBe('fail');
    }
  });
});
