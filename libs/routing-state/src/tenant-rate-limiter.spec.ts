import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { TenantRateLimiter } from './tenant-rate-limiter';

describe('TenantRateLimiter', () => {
  let t: TestRedis;

  beforeAll(() => {
    t = createTestRedis('tenant-rate');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("admits a quiet tenant's whole minute at once, then refuses with the wait for the next slot", async () => {
    const limiter = new TenantRateLimiter(t.redis, t.prefix);
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await limiter.admit('acme', 5));
    expect(results.slice(0, 5).every((r) => r.admitted)).toBe(true);
    for (const refused of results.slice(5)) {
      expect(refused.admitted).toBe(false);
      if (refused.admitted) continue;
      // One slot frees every 12 s.
      expect(refused.retryAfterMs).toBeGreaterThan(11_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(12_000);
    }
  });

  it('counts each tenant on its own, across connections (ingress replicas)', async () => {
    const other = t.redis.duplicate();
    try {
      const a = new TenantRateLimiter(t.redis, t.prefix);
      const b = new TenantRateLimiter(other, t.prefix);
      expect((await a.admit('x:1', 2)).admitted).toBe(true);
      expect((await b.admit('x:1', 2)).admitted).toBe(true);
      expect((await a.admit('x:1', 2)).admitted).toBe(false);
      expect((await b.admit('x:1', 2)).admitted).toBe(false);
      expect((await b.admit('y', 2)).admitted).toBe(true);
    } finally {
      other.disconnect();
    }
  });

  it('admits again once the interval has passed', async () => {
    const limiter = new TenantRateLimiter(t.redis, t.prefix);
    // 600 per minute: one slot every 100 ms. Used up until refused (a slow machine frees a few
    // slots while the loop runs).
    let admitted = 0;
    while ((await limiter.admit('fast', 600)).admitted) admitted++;
    expect(admitted).toBeGreaterThanOrEqual(600);
    await new Promise((r) => setTimeout(r, 150));
    expect((await limiter.admit('fast', 600)).admitted).toBe(true);
  });
});
