import { failedAttempt, runningAttempt, succeededAttempt } from './attempt-records';

const origin = {
  hop: 1,
  tryNumber: 2,
  provider: 'anthropic',
  model: 'claude-haiku-4-5',
  startedAt: new Date('2026-12-02T01:00:00.000Z'),
};
const base = {
  hop: 1,
  try: 2,
  provider: 'anthropic',
  model: 'claude-haiku-4-5',
  started_at: '2026-12-02T01:00:00.000Z',
};

describe('attempt records', () => {
  it('a running attempt names who makes it and when it started', () => {
    expect(runningAttempt(origin)).toEqual({ ...base, status: 'running' });
  });

  it('a success carries the served revision, whole-ms latency, cost and an estimate mark only when estimated', () => {
    expect(
      succeededAttempt(origin, {
        modelRevision: 'claude-haiku-4-5-20251001',
        latencyMs: 12.6,
        costUsd: 0.001,
      }),
    ).toEqual({
      ...base,
      status: 'succeeded',
      model_revision: 'claude-haiku-4-5-20251001',
      latency_ms: 13,
      cost_usd: 0.001,
    });
    expect(
      succeededAttempt(origin, {
        modelRevision: 'r',
        latencyMs: 1,
        costUsd: 0,
        usageEstimated: true,
      }).usage_estimated,
    ).toBe(true);
  });

  it('a failure keeps the error type and message, and a cost only when something was billed', () => {
    const error = { type: 'network', message: 'socket hang up', retryable: true } as never;
    expect(failedAttempt(origin, { error, latencyMs: 40.2, costUsd: 0 })).toEqual({
      ...base,
      status: 'failed',
      error: { type: 'network', message: 'socket hang up' },
      latency_ms: 40,
    });
    expect(failedAttempt(origin, { error, latencyMs: 1, costUsd: 0.0002 }).cost_usd).toBe(0.0002);
  });
});
