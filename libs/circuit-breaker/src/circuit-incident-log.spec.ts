import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { CircuitBreaker } from './circuit-breaker';
import { CIRCUIT_INCIDENT_RETENTION_MS } from './circuit-incident-log';

const T0 = 1_700_000_000_000;

describe('circuit openings are recorded as incidents (real Redis)', () => {
  let t: TestRedis;
  let breaker: CircuitBreaker;

  beforeAll(() => {
    t = createTestRedis('circuit-incidents');
    breaker = new CircuitBreaker(t.redis, t.prefix, {
      consecutiveFailures: 3,
      minCalls: 100,
      cooldownMs: 1_000,
      rampSteps: [1],
      successesPerStep: 1,
    });
  });

  afterAll(async () => {
    await t.cleanup();
  });

  const fail = (key: string, now: number, times: number) =>
    (async () => {
      for (let i = 0; i < times; i++) await breaker.record(key, 'failure', now);
    })();

  it('writes one entry per transition to open, none for failures while open', async () => {
    await fail('openai', T0, 3); // opens at the third failure
    await fail('openai', T0 + 10, 4); // already open: no new incident
    expect(await breaker.incidents.openings(T0 - 1, T0 + 100)).toEqual([{ key: 'openai', at: T0 }]);
  });

  it('counts a failed half-open probe as a new opening, and a model circuit apart from its provider', async () => {
    const probeAt = T0 + 2_000; // past the cooldown: half-open
    expect((await breaker.record('openai', 'failure', probeAt)).state).toBe('open');
    await fail('openai/gpt-4o-mini', T0 + 3_000, 3);
    expect(await breaker.incidents.openings(T0, T0 + 10_000)).toEqual([
      { key: 'openai', at: T0 },
      { key: 'openai', at: probeAt },
      { key: 'openai/gpt-4o-mini', at: T0 + 3_000 },
    ]);
    expect(await breaker.incidents.openings(T0 + 1, T0 + 2_500)).toEqual([
      { key: 'openai', at: probeAt },
    ]);
  });

  it('drops openings older than the retention when a new one is written', async () => {
    const later = T0 + CIRCUIT_INCIDENT_RETENTION_MS + 60_000;
    await fail('anthropic', later, 3);
    const all = await breaker.incidents.openings(0, later);
    expect(all).toEqual([{ key: 'anthropic', at: later }]);
  });
});
