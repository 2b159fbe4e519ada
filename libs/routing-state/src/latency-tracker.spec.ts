import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { LatencyTracker } from './latency-tracker';
import { percentile } from '@switchyard/routing';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([1, 2, 3, 4, 100], 95)).toBe(100);
    expect(percentile([], 95)).toBeUndefined();
  });
});

describe('LatencyTracker', () => {
  let t: TestRedis;
  beforeAll(() => {
    t = createTestRedis('latency');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('reports p95 of recorded latencies per model, and nothing below the minimum sample count', async () => {
    const tracker = new LatencyTracker(t.redis, t.prefix, { cacheMs: 0, minSamples: 3 });
    await tracker.record('a/one', 100);
    await tracker.record('a/one', 200);
    expect(await tracker.p95('a/one')).toBeUndefined();
    await tracker.record('a/one', 900);
    expect(await tracker.p95('a/one')).toBe(900);
    expect(await tracker.p95('b/none')).toBeUndefined();
  });

  it('keeps only the most recent window of samples', async () => {
    const tracker = new LatencyTracker(t.redis, t.prefix, {
      cacheMs: 0,
      window: 20,
      minSamples: 1,
    });
    for (let i = 0; i < 20; i++) await tracker.record('w/slow-then-fast', 10_000);
    for (let i = 0; i < 20; i++) await tracker.record('w/slow-then-fast', 50);
    expect(await t.redis.llen(`${t.prefix}:latency:w/slow-then-fast`)).toBe(20);
    expect(await tracker.p95('w/slow-then-fast')).toBe(50);
  });

  it('answers for many models at once', async () => {
    const tracker = new LatencyTracker(t.redis, t.prefix, { cacheMs: 0, minSamples: 1 });
    await tracker.record('m/x', 10);
    await tracker.record('m/y', 20);
    const result = await tracker.p95Many(['m/x', 'm/y', 'm/z', 'm/x']);
    expect([...result.entries()].sort()).toEqual([
      ['m/x', 10],
      ['m/y', 20],
    ]);
  });

  it('reuses a p95 within the cache period and refreshes after it', async () => {
    let clock = 1_000;
    const tracker = new LatencyTracker(t.redis, t.prefix, {
      cacheMs: 1000,
      minSamples: 1,
      now: () => clock,
    });
    await tracker.record('c/cached', 100);
    expect(await tracker.p95('c/cached')).toBe(100);
    await tracker.record('c/cached', 5000);
    expect(await tracker.p95('c/cached')).toBe(100);
    clock += 1000;
    expect(await tracker.p95('c/cached')).toBe(5000);
  });

  it('ignores nonsense latencies', async () => {
    const tracker = new LatencyTracker(t.redis, t.prefix, { cacheMs: 0, minSamples: 1 });
    await tracker.record('n/bad', Number.NaN);
    await tracker.record('n/bad', -5);
    expect(await tracker.p95('n/bad')).toBeUndefined();
  });
});
