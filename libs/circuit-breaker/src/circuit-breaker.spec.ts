import Redis from 'ioredis';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '@switchyard/testing';
import { CircuitBreaker } from './circuit-breaker';
import { circuitKeys } from './circuit-breaker-keys';
import type { CircuitBreakerOptions } from './circuit-breaker.types';

const T0 = 1_700_000_000_000;
const OPTIONS: Partial<CircuitBreakerOptions> = {
  windowMs: 30_000,
  bucketMs: 1_000,
  minCalls: 10,
  failureRatio: 0.5,
  consecutiveFailures: 5,
  cooldownMs: 15_000,
  rampSteps: [0.1, 0.25, 0.5, 1],
  successesPerStep: 2,
  stateTtlMs: 600_000,
};

describe('CircuitBreaker (real Redis)', () => {
  let t: TestRedis;
  let breaker: CircuitBreaker;
  let keyCounter = 0;
  /** A fresh circuit key per test so tests never share state. */
  const freshKey = () => `openai/model-${++keyCounter}`;

  beforeAll(() => {
    t = createTestRedis('circuit-breaker');
    breaker = new CircuitBreaker(t.redis, t.prefix, OPTIONS);
  });

  afterAll(async () => {
    await t.cleanup();
  });

  async function recordMany(key: string, outcomes: string, now: number, cb = breaker) {
    let last = await cb.record(key, outcomes[0] === 'f' ? 'failure' : 'success', now);
    for (const o of outcomes.slice(1)) {
      last = await cb.record(key, o === 'f' ? 'failure' : 'success', now);
    }
    return last;
  }

  /** Opens `key` at `now` by consecutive failures. */
  async function trip(key: string, now: number) {
    const result = await recordMany(key, 'fffff', now);
    expect(result.state).toBe('open');
  }

  async function countAllowed(key: string, attempts: number, now: number, cb = breaker) {
    let allowed = 0;
    for (let i = 0; i < attempts; i++) if ((await cb.acquire(key, now)).allowed) allowed++;
    return allowed;
  }

  it('reports an unknown key as a fresh closed circuit and admits calls', async () => {
    const key = freshKey();
    expect(await breaker.snapshot(key, T0)).toEqual({
      key,
      state: 'closed',
      failureRatio: 0,
      calls: 0,
      failures: 0,
      consecutiveFailures: 0,
      since: null,
      rampFraction: 1,
      retryAt: null,
    });
    expect(await breaker.acquire(key, T0)).toEqual({
      allowed: true,
      state: 'closed',
      probe: false,
    });
  });

  it('opens on the failure ratio, but not below minCalls', async () => {
    const key = freshKey();
    const ratioOnly = new CircuitBreaker(t.redis, t.prefix, {
      ...OPTIONS,
      consecutiveFailures: 1000,
    });
    // 9 calls, all failures: 100 % but fewer than minCalls.
    const ninth = await recordMany(key, 'fffffffff', T0, ratioOnly);
    expect(ninth).toEqual({ state: 'closed', previous: 'closed', transitioned: false });
    const snap = await ratioOnly.snapshot(key, T0);
    expect(snap).toMatchObject({ calls: 9, failures: 9, failureRatio: 1, consecutiveFailures: 9 });

    // The 10th call reaches minCalls with 9/10 failing: open, even though it succeeded.
    const tenth = await ratioOnly.record(key, 'success', T0 + 100);
    expect(tenth).toEqual({ state: 'open', previous: 'closed', transitioned: true });
    expect(await ratioOnly.snapshot(key, T0 + 100)).toMatchObject({
      state: 'open',
      since: T0 + 100,
      retryAt: T0 + 100 + 15_000,
      rampFraction: 0,
    });
  });

  it('stays closed below the failure ratio and opens when it is reached', async () => {
    const key = freshKey();
    const ratioOnly = new CircuitBreaker(t.redis, t.prefix, {
      ...OPTIONS,
      consecutiveFailures: 1000,
    });
    // 4 of 10 failing = 40 % < 50 %.
    const r = await recordMany(key, 'fsfsfsfsss', T0, ratioOnly);
    expect(r.state).toBe('closed');
    expect((await ratioOnly.snapshot(key, T0)).failureRatio).toBeCloseTo(0.4);
    // 5 of 11: still below. 6 of 12 = 50 %: open.
    expect((await ratioOnly.record(key, 'failure', T0)).state).toBe('closed');
    expect((await ratioOnly.record(key, 'failure', T0)).state).toBe('open');
  });

  it('opens after N consecutive failures; a success resets the run', async () => {
    const key = freshKey();
    await recordMany(key, 'ssssssssssssssssssss', T0); // 20 successes keep the ratio low
    await recordMany(key, 'ffff', T0 + 1_000);
    expect((await breaker.snapshot(key, T0 + 1_000)).consecutiveFailures).toBe(4);
    await breaker.record(key, 'success', T0 + 1_000);
    expect((await breaker.snapshot(key, T0 + 1_000)).consecutiveFailures).toBe(0);

    expect((await recordMany(key, 'ffff', T0 + 2_000)).state).toBe('closed');
    const fifth = await breaker.record(key, 'failure', T0 + 2_000);
    expect(fifth).toEqual({ state: 'open', previous: 'closed', transitioned: true });
    const snap = await breaker.snapshot(key, T0 + 2_000);
    expect(snap).toMatchObject({ state: 'open', consecutiveFailures: 5, calls: 30, failures: 9 });
  });

  it('rejects at once while open, until the cooldown ends', async () => {
    const key = freshKey();
    await trip(key, T0);
    expect(await breaker.acquire(key, T0)).toEqual({ allowed: false, state: 'open', probe: false });
    expect(await countAllowed(key, 20, T0 + 14_999)).toBe(0);
    // Late outcomes of calls admitted before the open do not extend or end the cooldown.
    expect(await breaker.record(key, 'failure', T0 + 10_000)).toMatchObject({
      state: 'open',
      transitioned: false,
    });
    expect(await breaker.record(key, 'success', T0 + 11_000)).toMatchObject({ state: 'open' });
    expect((await breaker.snapshot(key, T0 + 14_999)).retryAt).toBe(T0 + 15_000);
    expect((await breaker.acquire(key, T0 + 15_000)).state).toBe('half_open');
  });

  it('reports half_open after the cooldown from states() without writing anything', async () => {
    const key = freshKey();
    await trip(key, T0);
    const keys = circuitKeys(t.prefix, key);
    const before = await t.redis.hgetall(keys.state);

    const snap = await breaker.snapshot(key, T0 + 15_000);
    expect(snap).toMatchObject({
      state: 'half_open',
      since: T0 + 15_000,
      rampFraction: 0.1,
      retryAt: null,
    });
    expect(await t.redis.hgetall(keys.state)).toEqual(before);
    expect(before.state).toBe('open');
  });

  it('half-open admits exactly the ramp fraction, first attempt included', async () => {
    const key = freshKey();
    await trip(key, T0);
    const now = T0 + 15_000;
    const decisions = [];
    for (let i = 0; i < 100; i++) decisions.push(await breaker.acquire(key, now));
    const admitted = decisions.flatMap((d, i) => (d.allowed ? [i] : []));
    // ceil((n+1) * 0.1) > ceil(n * 0.1): attempts 0, 10, 20, ... 90.
    expect(admitted).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(decisions.every((d) => d.state === 'half_open' && d.probe === d.allowed)).toBe(true);
  });

  it('ramps up step by step on probe successes and finally closes', async () => {
    const key = freshKey();
    await trip(key, T0);
    let now = T0 + 15_000;
    const fractions = [0.1, 0.25, 0.5, 1];
    for (const [i, fraction] of fractions.entries()) {
      expect(await breaker.snapshot(key, now)).toMatchObject({
        state: 'half_open',
        rampFraction: fraction,
      });
      expect(await countAllowed(key, 100, now)).toBe(Math.ceil(100 * fraction));
      // One success is not enough for a step (successesPerStep = 2).
      expect(await breaker.record(key, 'success', now)).toEqual({
        state: 'half_open',
        previous: 'half_open',
        transitioned: false,
      });
      expect((await breaker.snapshot(key, now)).rampFraction).toBe(fraction);
      now += 1_000;
      const second = await breaker.record(key, 'success', now);
      const last = i === fractions.length - 1;
      expect(second).toEqual({
        state: last ? 'closed' : 'half_open',
        previous: 'half_open',
        transitioned: last,
      });
    }
    const closed = await breaker.snapshot(key, now);
    // The window restarts on close, so the outage's failures cannot re-open it at once.
    expect(closed).toMatchObject({
      state: 'closed',
      since: now,
      rampFraction: 1,
      calls: 0,
      failures: 0,
      consecutiveFailures: 0,
    });
    expect(await breaker.acquire(key, now)).toEqual({
      allowed: true,
      state: 'closed',
      probe: false,
    });
    expect((await breaker.record(key, 'failure', now)).state).toBe('closed');
  });

  it('a probe failure re-opens the circuit and restarts the cooldown', async () => {
    const key = freshKey();
    await trip(key, T0);
    const halfOpenAt = T0 + 15_000;
    // Climb one step first, to see the ramp restart from the bottom.
    await recordMany(key, 'ss', halfOpenAt);
    expect((await breaker.snapshot(key, halfOpenAt)).rampFraction).toBe(0.25);

    const failAt = halfOpenAt + 3_000;
    expect(await breaker.record(key, 'failure', failAt)).toEqual({
      state: 'open',
      previous: 'half_open',
      transitioned: true,
    });
    expect(await breaker.snapshot(key, failAt)).toMatchObject({
      state: 'open',
      since: failAt,
      retryAt: failAt + 15_000,
    });
    expect(await countAllowed(key, 10, failAt + 14_999)).toBe(0);
    expect(await breaker.snapshot(key, failAt + 15_000)).toMatchObject({
      state: 'half_open',
      rampFraction: 0.1,
      since: failAt + 15_000,
    });
  });

  it('a failure right after the cooldown (not yet persisted as half-open) re-opens', async () => {
    const key = freshKey();
    await trip(key, T0);
    const at = T0 + 20_000;
    expect(await breaker.record(key, 'failure', at)).toEqual({
      state: 'open',
      previous: 'half_open',
      transitioned: true,
    });
    expect((await breaker.snapshot(key, at)).retryAt).toBe(at + 15_000);
  });

  it('shares state between two instances on two connections (two processes)', async () => {
    const key = freshKey();
    const otherConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const other = new CircuitBreaker(otherConnection, t.prefix, OPTIONS);
      await recordMany(key, 'fff', T0);
      await recordMany(key, 'ff', T0, other);
      expect(await breaker.acquire(key, T0)).toMatchObject({ allowed: false, state: 'open' });
      expect(await other.acquire(key, T0)).toMatchObject({ allowed: false, state: 'open' });
      expect((await other.states([key], T0))[key]).toMatchObject({
        state: 'open',
        consecutiveFailures: 5,
      });

      // The half-open admission counter is shared: 100 attempts alternating between processes
      // admit 10 in total, not 10 each.
      const now = T0 + 15_000;
      let allowed = 0;
      for (let i = 0; i < 100; i++) {
        if ((await (i % 2 ? other : breaker).acquire(key, now)).allowed) allowed++;
      }
      expect(allowed).toBe(10);

      // A probe outcome recorded by one process advances the ramp for both.
      await breaker.record(key, 'success', now);
      await other.record(key, 'success', now);
      expect((await breaker.snapshot(key, now)).rampFraction).toBe(0.25);
    } finally {
      otherConnection.disconnect();
    }
  });

  it('the window slides: old failures stop counting', async () => {
    const key = freshKey();
    const ratioOnly = new CircuitBreaker(t.redis, t.prefix, {
      ...OPTIONS,
      consecutiveFailures: 1000,
    });
    await recordMany(key, 'fffffffff', T0, ratioOnly); // 9 failures, below minCalls
    await recordMany(key, 'sss', T0 + 20_000, ratioOnly);
    expect(await ratioOnly.snapshot(key, T0 + 20_000)).toMatchObject({
      calls: 12,
      failures: 9,
      state: 'open', // 9/12 >= 50 % once minCalls was reached
    });

    const key2 = freshKey();
    await recordMany(key2, 'ffffffff', T0, ratioOnly); // 8 failures, below minCalls
    await recordMany(key2, 's', T0 + 20_000, ratioOnly);
    expect((await ratioOnly.snapshot(key2, T0 + 20_000)).state).toBe('closed');
    // 31 s later the T0 bucket has left the window; the T0+20 s bucket is still in it.
    const later = T0 + 31_000;
    expect(await ratioOnly.snapshot(key2, later)).toMatchObject({
      calls: 1,
      failures: 0,
      failureRatio: 0,
    });
    // 1 failure in 10 calls stays closed; without sliding it would be 9 of 18 = 50 %: open.
    const r = await recordMany(key2, 'fssssssss', later, ratioOnly);
    expect(r.state).toBe('closed');
    expect(await ratioOnly.snapshot(key2, later)).toMatchObject({ calls: 10, failures: 1 });
  });

  it('a success opens on the ratio of failures from a state stored before lastFailure was kept', async () => {
    const key = freshKey();
    const keys = circuitKeys(t.prefix, key);
    const ratioOnly = new CircuitBreaker(t.redis, t.prefix, {
      ...OPTIONS,
      consecutiveFailures: 1000,
    });
    // 9 failures of 9 calls in the T0 bucket, the state as an older release stored it.
    const bucket = Math.floor(T0 / 1_000);
    await t.redis.hset(keys.window, `${bucket}:n`, 9, `${bucket}:f`, 9);
    await t.redis.hset(keys.state, 'state', 'closed', 'since', -1, 'consecutive', 9);
    await t.redis.pexpire(keys.window, 60_000);
    await t.redis.pexpire(keys.state, 60_000);
    expect((await ratioOnly.record(key, 'success', T0 + 100)).state).toBe('open');
  });

  it('a success far from any failure leaves a healthy circuit closed and counted', async () => {
    const key = freshKey();
    const ratioOnly = new CircuitBreaker(t.redis, t.prefix, {
      ...OPTIONS,
      consecutiveFailures: 1000,
    });
    await recordMany(key, 'f', T0, ratioOnly);
    // 40 s later the failure has left the window: successes alone, many per bucket.
    const r = await recordMany(key, 'ssssssssssss', T0 + 40_000, ratioOnly);
    expect(r.state).toBe('closed');
    expect(await ratioOnly.snapshot(key, T0 + 40_000)).toMatchObject({ calls: 12, failures: 0 });
    // A failure within the window counts again: 12 of 24 calls is 50 %.
    await recordMany(key, 'ffffffffffff', T0 + 41_000, ratioOnly);
    expect(await ratioOnly.snapshot(key, T0 + 41_000)).toMatchObject({
      state: 'open',
      calls: 24,
      failures: 12,
    });
  });

  it('acquireAll and recordAll gate and record many circuits in one step, each on its own', async () => {
    const healthy = freshKey();
    const failing = freshKey();
    await trip(failing, T0);
    expect(await breaker.acquireAll([healthy, failing], T0 + 1)).toEqual([
      { allowed: true, state: 'closed', probe: false },
      { allowed: false, state: 'open', probe: false },
    ]);
    const other = freshKey();
    await recordMany(other, 'ffff', T0);
    const results = await breaker.recordAll([healthy, other], 'failure', T0 + 2);
    expect(results).toEqual([
      { state: 'closed', previous: 'closed', transitioned: false },
      { state: 'open', previous: 'closed', transitioned: true },
    ]);
    expect((await breaker.snapshot(healthy, T0 + 2)).consecutiveFailures).toBe(1);
    expect(await breaker.acquireAll([], T0)).toEqual([]);
    expect(await breaker.recordAll([], 'success', T0)).toEqual([]);
  });

  it('keeps memory bounded: stale buckets are pruned and keys carry a TTL', async () => {
    const key = freshKey();
    const keys = circuitKeys(t.prefix, key);
    // One call per second for 100 s: only ~31 buckets (2 fields each at most) may remain.
    for (let s = 0; s < 100; s++) await breaker.record(key, 'success', T0 + s * 1_000);
    const fields = await t.redis.hlen(keys.window);
    expect(fields).toBeGreaterThan(0);
    expect(fields).toBeLessThanOrEqual(31);
    expect((await breaker.snapshot(key, T0 + 99_000)).calls).toBe(30);

    const windowTtl = await t.redis.pttl(keys.window);
    expect(windowTtl).toBeGreaterThan(0);
    expect(windowTtl).toBeLessThanOrEqual(31_000);

    // A healthy closed circuit stores no state at all; an opened one expires after stateTtlMs.
    expect(await t.redis.exists(keys.state)).toBe(0);
    await trip(key, T0 + 100_000);
    const stateTtl = await t.redis.pttl(keys.state);
    expect(stateTtl).toBeGreaterThan(15_000);
    expect(stateTtl).toBeLessThanOrEqual(600_000);
  });

  it('forgets a circuit whose keys expired', async () => {
    const key = freshKey();
    await trip(key, T0);
    const keys = circuitKeys(t.prefix, key);
    // Stand-in for the TTL running out: an expiry time in the past, with no wall-clock wait.
    await t.redis.pexpireat(keys.state, 1);
    await t.redis.pexpireat(keys.window, 1);
    expect(await t.redis.exists(keys.state, keys.window)).toBe(0);
    expect(await breaker.snapshot(key, T0)).toMatchObject({
      state: 'closed',
      since: null,
      calls: 0,
    });
  });

  it('states() reads many keys at once, keeps keys independent and collapses duplicates', async () => {
    const provider = `prov-${++keyCounter}`;
    const model = `${provider}/gpt-4o-mini`;
    await trip(provider, T0);
    await breaker.record(model, 'failure', T0);
    const all = await breaker.states([provider, model, provider, 'never-seen'], T0 + 1);
    expect(Object.keys(all).sort()).toEqual([provider, model, 'never-seen'].sort());
    expect(all[provider]).toMatchObject({ state: 'open', calls: 5, failures: 5 });
    expect(all[model]).toMatchObject({ state: 'closed', calls: 1, consecutiveFailures: 1 });
    expect(all['never-seen'].state).toBe('closed');
    expect(await breaker.states([], T0)).toEqual({});
    expect((await breaker.acquire(model, T0)).allowed).toBe(true);
  });

  it('rejects bad input', async () => {
    await expect(breaker.acquire('', T0)).rejects.toThrow(RangeError);
    await expect(breaker.record('x', 'maybe' as 'success', T0)).rejects.toThrow(RangeError);
    await expect(breaker.acquire('x', Number.NaN)).rejects.toThrow(RangeError);
  });
});
