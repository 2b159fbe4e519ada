import { CircuitBreaker, circuitChangedChannel, isCircuitOpen } from '@switchyard/circuit-breaker';
import { ProviderPauses, createRedisClient, pausesChangedChannel } from '@switchyard/redis';
import { createTestRedis, type TestRedis } from '@switchyard/testing';
import Redis from 'ioredis';
import { AnnouncedStates, CIRCUIT_STATES_TTL_MS } from './announced-states';

const BREAKER = { consecutiveFailures: 2, minCalls: 100, cooldownMs: 60_000 };

describe('AnnouncedStates (real Redis)', () => {
  let t: TestRedis;
  let subscriber: Redis;
  let states: AnnouncedStates;
  /** Another process's breaker (a worker's), on a connection of its own. */
  let workerBreaker: CircuitBreaker;
  let workerRedis: Redis;
  /** The worker's record of a 429's pause. */
  let workerPauses: ProviderPauses;

  beforeAll(() => {
    t = createTestRedis('planning-signals');
    subscriber = createRedisClient(t.url, 'consumer', 'planning-signals-sub');
    workerRedis = new Redis(t.url);
    workerBreaker = new CircuitBreaker(workerRedis, t.prefix, BREAKER);
    workerPauses = new ProviderPauses(workerRedis, t.prefix);
    states = new AnnouncedStates(
      new CircuitBreaker(t.redis, t.prefix, BREAKER),
      new ProviderPauses(t.redis, t.prefix),
      subscriber,
      t.prefix,
    );
    states.listen();
  });

  afterAll(async () => {
    subscriber.disconnect();
    workerRedis.disconnect();
    await t.cleanup();
  });

  /** Resolves once this process has heard a message on `channel` (matching `message`, if given). */
  function heardOn(channel: string, message?: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (heard: string, text: string) => {
        if (heard !== channel || (message !== undefined && text !== message)) return;
        subscriber.off('message', listener);
        resolve();
      };
      subscriber.on('message', listener);
    });
  }

  /** Resolves once this process has heard that `key` changed state. */
  const changeHeard = (key: string) => heardOn(circuitChangedChannel(t.prefix), key);

  it('sees a circuit open as soon as the change is announced, well inside the cache time', async () => {
    const key = 'sim-a';
    const started = Date.now();
    expect((await states.circuits([key]))[key].state).toBe('closed');

    const heard = changeHeard(key);
    await workerBreaker.record(key, 'failure');
    await workerBreaker.record(key, 'failure');
    await heard;

    const after = await states.circuits([key]);
    expect(after[key].state).toBe('open');
    expect(isCircuitOpen(after[key], Date.now())).toBe(true);
    // The read above came from Redis, not from the expiry of the first one.
    expect(Date.now() - started).toBeLessThan(CIRCUIT_STATES_TTL_MS);
  });

  it('shares one read between jobs while no circuit changes', async () => {
    const key = 'sim-b';
    const first = states.circuits([key]);
    const second = states.circuits([key]);
    expect(await first).toBe(await second);
    // A write that bypasses the breaker (so nothing is announced) stays unseen until expiry.
    await t.redis.del(`${t.prefix}:circuit:${key}`);
    expect(await states.circuits([key])).toBe(await first);
  });

  it('sees a provider paused (429 retry-after) as soon as the pause is announced, and shares reads until then', async () => {
    const started = Date.now();
    const first = await states.pausedUntil(['sim-p', 'sim-q']);
    expect(first).toEqual({});
    // Shared while nothing is announced.
    expect(await states.pausedUntil(['sim-p', 'sim-q'])).toBe(first);

    const heard = heardOn(pausesChangedChannel(t.prefix));
    await workerPauses.pause('sim-p', 30_000);
    await heard;

    const after = await states.pausedUntil(['sim-p', 'sim-q']);
    expect(Object.keys(after)).toEqual(['sim-p']);
    expect(after['sim-p']).toBeGreaterThan(Date.now() + 25_000);
    expect(Date.now() - started).toBeLessThan(CIRCUIT_STATES_TTL_MS);
  });

  it('isCircuitOpen: a cached open circuit whose cooldown has passed is not open', () => {
    const now = Date.now();
    const snapshot = {
      key: 'x',
      state: 'open' as const,
      failureRatio: 1,
      calls: 2,
      failures: 2,
      consecutiveFailures: 2,
      since: now - 70_000,
      rampFraction: 0,
      retryAt: now - 10_000,
    };
    expect(isCircuitOpen(snapshot, now)).toBe(false);
    expect(isCircuitOpen({ ...snapshot, retryAt: now + 10_000 }, now)).toBe(true);
    expect(isCircuitOpen(undefined, now)).toBe(false);
  });
});
