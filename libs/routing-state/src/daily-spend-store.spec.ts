import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { DailySpendStore } from './daily-spend-store';

// Keys expire by Redis's real clock two days after their day ends, so the fixed dates are in the future.
const NOON = new Date('2099-03-10T12:00:00Z');
const at = (iso: string) => new Date(iso);
const scope = (task: string, tenant = 'acme') => ({ task, tenant });

describe('DailySpendStore', () => {
  let t: TestRedis;
  let store: DailySpendStore;

  beforeAll(() => {
    t = createTestRedis('spend');
    store = new DailySpendStore(t.redis, t.prefix, { reservationTtlMs: 60_000 });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('reserves within the limit and refuses a reservation that would cross it', async () => {
    const first = await store.reserve(scope('a'), 0.6, { task: 1 }, NOON);
    expect(first).toEqual({
      ok: true,
      reservationId: expect.stringMatching(/^2099-03-10\./),
    });
    const refused = await store.reserve(scope('a'), 0.5, { task: 1 }, NOON);
    expect(refused).toEqual({
      ok: false,
      refused_by: 'task',
      spent: 0,
      reserved: 0.6,
      limit: 1,
      resets_at: '2099-03-11T00:00:00.000Z',
    });
    expect((await store.reserve(scope('a'), 0.4, { task: 1 }, NOON)).ok).toBe(true);
  });

  it('stores totals per tenant and task, and per tenant, in integer micro-USD', async () => {
    const r = await store.reserve(scope('keys', 'team:a'), 0.1, { task: 10 }, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    await store.settle(scope('keys', 'team:a'), r.reservationId, 0.000123, NOON);
    const base = `${t.prefix}:spend:tenant:team%3Aa`;
    expect(await t.redis.hget(`${base}:task:keys:2099-03-10`, 'spent')).toBe('123');
    expect(await t.redis.hget(`${base}:2099-03-10`, 'spent')).toBe('123');
  });

  it("counts a task's daily limit per tenant: one tenant's spend leaves another's day untouched", async () => {
    const r = await store.reserve(scope('shared', 'acme'), 1, { task: 1 }, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    await store.settle(scope('shared', 'acme'), r.reservationId, 1, NOON);
    expect((await store.reserve(scope('shared', 'acme'), 0.01, { task: 1 }, NOON)).ok).toBe(false);
    expect((await store.reserve(scope('shared', 'globex'), 0.5, { task: 1 }, NOON)).ok).toBe(true);
    expect((await store.snapshot(scope('shared', 'globex'), '2099-03-10', 1, NOON)).spent_usd).toBe(
      0,
    );
  });

  it("refuses what the tenant's own daily limit cannot take, over all its tasks, reserving nothing", async () => {
    const limits = { task: 10, tenant: 1 };
    const first = await store.reserve(scope('t1', 'initech'), 0.6, limits, NOON);
    expect(first.ok).toBe(true);
    const refused = await store.reserve(scope('t2', 'initech'), 0.5, limits, NOON);
    expect(refused).toEqual({
      ok: false,
      refused_by: 'tenant',
      spent: 0,
      reserved: 0.6,
      limit: 1,
      resets_at: '2099-03-11T00:00:00.000Z',
    });
    // The refusal left the task's ledger as it was.
    expect(
      (await store.snapshot(scope('t2', 'initech'), '2099-03-10', 10, NOON)).reserved_usd,
    ).toBe(0);
    if (!first.ok) return;
    const settled = await store.settle(scope('t1', 'initech'), first.reservationId, 0.2, NOON);
    expect(settled.tenant).toEqual({ spent_usd: 0.2, reserved_usd: 0, alert: false });
    expect(await store.tenantSnapshot('initech', '2099-03-10', 1, NOON)).toEqual({
      tenant: 'initech',
      day: '2099-03-10',
      spent_usd: 0.2,
      reserved_usd: 0,
      remaining_usd: 0.8,
      limit_usd: 1,
      resets_at: '2099-03-11T00:00:00.000Z',
    });
    expect((await store.reserve(scope('t2', 'initech'), 0.5, limits, NOON)).ok).toBe(true);
  });

  it('settles at the real cost and frees the rest of the reservation', async () => {
    const r = await store.reserve(scope('b'), 0.5, { task: 1 }, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    const settled = await store.settle(scope('b'), r.reservationId, 0.2, NOON);
    // The tenant's day holds the other tests' acme spend too.
    expect(settled).toMatchObject({
      settled: true,
      alert: false,
      day: '2099-03-10',
      spent_usd: 0.2,
      reserved_usd: 0,
    });
    expect(await store.snapshot(scope('b'), '2099-03-10', undefined, NOON)).toEqual({
      task: 'b',
      day: '2099-03-10',
      spent_usd: 0.2,
      reserved_usd: 0,
      remaining_usd: 0.8,
      limit_usd: 1,
      resets_at: '2099-03-11T00:00:00.000Z',
    });
  });

  it('does not bill twice when a settle is retried', async () => {
    const r = await store.reserve(scope('c'), 0.3, { task: 1 }, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    expect((await store.settle(scope('c'), r.reservationId, 0.3, NOON)).settled).toBe(true);
    const again = await store.settle(scope('c'), r.reservationId, 0.3, NOON);
    expect(again).toMatchObject({
      settled: false,
      alert: false,
      day: '2099-03-10',
      spent_usd: 0.3,
      reserved_usd: 0,
    });
  });

  it('releases a reservation for a call that never happened, once', async () => {
    const r = await store.reserve(scope('d'), 0.9, { task: 1 }, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    expect(await store.release(scope('d'), r.reservationId, NOON)).toEqual({ released: true });
    expect(await store.release(scope('d'), r.reservationId, NOON)).toEqual({ released: false });
    const snap = await store.snapshot(scope('d'), '2099-03-10', 1, NOON);
    expect([snap.spent_usd, snap.reserved_usd, snap.remaining_usd]).toEqual([0, 0, 1]);
  });

  it("expires a crashed worker's reservation, and still bills a late settle", async () => {
    const r = await store.reserve(scope('e'), 0.8, { task: 1 }, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    expect((await store.reserve(scope('e'), 0.8, { task: 1 }, at('2099-03-10T12:00:59Z'))).ok).toBe(
      false,
    );
    const later = at('2099-03-10T12:01:01Z');
    const snap = await store.snapshot(scope('e'), '2099-03-10', 1, later);
    expect(snap.reserved_usd).toBe(0);
    const late = await store.settle(scope('e'), r.reservationId, 0.25, later);
    expect(late).toMatchObject({ settled: true, spent_usd: 0.25, reserved_usd: 0 });
  });

  it('bills a reservation to the day it was made on, even when settled after midnight', async () => {
    const r = await store.reserve(scope('f'), 0.1, { task: 1 }, at('2099-03-10T23:59:59Z'));
    if (!r.ok) throw new Error('expected a reservation');
    await store.settle(scope('f'), r.reservationId, 0.1, at('2099-03-11T00:00:01Z'));
    expect((await store.snapshot(scope('f'), '2099-03-10', 1, NOON)).spent_usd).toBe(0.1);
    expect((await store.snapshot(scope('f'), '2099-03-11', 1, NOON)).spent_usd).toBe(0);
  });

  it('starts each UTC day afresh', async () => {
    expect((await store.reserve(scope('g'), 1, { task: 1 }, NOON)).ok).toBe(true);
    expect((await store.reserve(scope('g'), 0.01, { task: 1 }, NOON)).ok).toBe(false);
    expect((await store.reserve(scope('g'), 1, { task: 1 }, at('2099-03-11T00:00:00Z'))).ok).toBe(
      true,
    );
  });

  it('reports exhaustion with the reset time', async () => {
    expect(await store.isExhausted(scope('h'), 1, NOON)).toEqual({
      exhausted: false,
      resets_at: '2099-03-11T00:00:00.000Z',
    });
    const r = await store.reserve(scope('h'), 1, { task: 1 }, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    expect((await store.isExhausted(scope('h'), 1, NOON)).exhausted).toBe(true);
    expect((await store.isExhausted(scope('h'), undefined, NOON)).exhausted).toBe(false);
  });

  it('tracks spend without refusing when there is no limit', async () => {
    const r = await store.reserve(scope('i'), 1000, { task: undefined }, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    await store.settle(scope('i'), r.reservationId, 999, NOON);
    const snap = await store.snapshot(scope('i'), '2099-03-10', undefined, NOON);
    expect(snap).toMatchObject({ spent_usd: 999, limit_usd: null, remaining_usd: null });
  });

  it('alerts exactly once per task per day when settled spend crosses alert_at', async () => {
    const budget = { daily_usd: 1, alert_at: 0.5 };
    const alerts: boolean[] = [];
    for (const amount of [0.3, 0.3, 0.3]) {
      const r = await store.reserve(scope('j'), amount, { task: budget }, NOON);
      if (!r.ok) throw new Error('expected a reservation');
      alerts.push((await store.settle(scope('j'), r.reservationId, amount, NOON)).alert);
    }
    expect(alerts).toEqual([false, true, false]);
    const tomorrow = await store.reserve(
      scope('j'),
      0.6,
      { task: budget },
      at('2099-03-11T08:00:00Z'),
    );
    if (!tomorrow.ok) throw new Error('expected a reservation');
    const settled = await store.settle(
      scope('j'),
      tomorrow.reservationId,
      0.6,
      at('2099-03-11T08:00:01Z'),
    );
    expect(settled).toMatchObject({ alert: true, day: '2099-03-11' });
  });

  it("alerts once per tenant per day when its spend over all tasks crosses the tenant's alert_at", async () => {
    const tenant = { daily_usd: 1, alert_at: 0.5 };
    const seen: Array<{ task: boolean; tenant: boolean }> = [];
    // Two tasks without limits of their own: only the tenant's day over both can cross.
    for (const task of ['m1', 'm2', 'm1', 'm2']) {
      const r = await store.reserve(scope(task, 'umbrella'), 0.2, { tenant }, NOON);
      if (!r.ok) throw new Error('expected a reservation');
      const settled = await store.settle(scope(task, 'umbrella'), r.reservationId, 0.2, NOON);
      seen.push({ task: settled.alert, tenant: settled.tenant.alert });
    }
    // 0.2, 0.4, 0.6 (crosses 0.5), 0.8: the third settle alerts, the task ledgers never do.
    expect(seen).toEqual([
      { task: false, tenant: false },
      { task: false, tenant: false },
      { task: false, tenant: true },
      { task: false, tenant: false },
    ]);
  });

  it('alerts a tenant given only as a USD amount at the default alert_at (0.8)', async () => {
    const settles: boolean[] = [];
    for (const amount of [0.7, 0.2]) {
      const r = await store.reserve(scope('d1', 'defaulted'), amount, { tenant: 1 }, NOON);
      if (!r.ok) throw new Error('expected a reservation');
      settles.push(
        (await store.settle(scope('d1', 'defaulted'), r.reservationId, amount, NOON)).tenant.alert,
      );
    }
    expect(settles).toEqual([false, true]);
  });

  it('does not alert on a worst-case reservation, only when real spend crosses alert_at', async () => {
    const budget = { daily_usd: 1, alert_at: 0.8 };
    const worstCase = await store.reserve(scope('k'), 0.85, { task: budget }, NOON);
    if (!worstCase.ok) throw new Error('expected a reservation');
    expect((await store.settle(scope('k'), worstCase.reservationId, 0.01, NOON)).alert).toBe(false);
    // The day's one alert is still there for the settle that really crosses 80 %.
    const real = await store.reserve(scope('k'), 0.8, { task: budget }, NOON);
    if (!real.ok) throw new Error('expected a reservation');
    expect((await store.settle(scope('k'), real.reservationId, 0.8, NOON)).alert).toBe(true);
  });

  it("alerts in the reservation's day when its settle arrives just after midnight", async () => {
    const budget = { daily_usd: 1, alert_at: 0.5 };
    const r = await store.reserve(
      scope('alert-midnight'),
      0.6,
      { task: budget },
      at('2099-03-10T23:59:59Z'),
    );
    if (!r.ok) throw new Error('expected a reservation');
    const late = await store.settle(
      scope('alert-midnight'),
      r.reservationId,
      0.6,
      at('2099-03-11T00:00:01Z'),
    );
    expect(late).toMatchObject({ settled: true, alert: true, day: '2099-03-10' });
    // The new day's own alert is not used up by yesterday's.
    const next = await store.reserve(
      scope('alert-midnight'),
      0.6,
      { task: budget },
      at('2099-03-11T00:00:02Z'),
    );
    if (!next.ok) throw new Error('expected a reservation');
    const today = await store.settle(
      scope('alert-midnight'),
      next.reservationId,
      0.6,
      at('2099-03-11T00:00:03Z'),
    );
    expect(today).toMatchObject({ alert: true, day: '2099-03-11' });
  });

  it('rejects ids it did not issue and negative amounts', async () => {
    await expect(store.settle(scope('x'), 'bogus', 1)).rejects.toThrow(/reservation id/);
    await expect(store.reserve(scope('x'), -1, { task: 1 })).rejects.toThrow(RangeError);
  });

  it('never lets spend exceed the tighter of the task and tenant limits under 200 concurrent calls', async () => {
    const clients = [t.redis, t.redis.duplicate(), t.redis.duplicate(), t.redis.duplicate()];
    const stores = clients.map((c) => new DailySpendStore(c, t.prefix));
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const s = stores[i % stores.length];
          // Two tasks of one tenant: the tenant's limit (1) binds before either task's (5).
          const sc = scope(i % 2 ? 'race' : 'race2', 'racer');
          const r = await s.reserve(sc, 0.07, { task: 5, tenant: 1 });
          if (!r.ok) return false;
          await s.settle(sc, r.reservationId, 0.07);
          return true;
        }),
      );
      const snap = await store.tenantSnapshot('racer', undefined, 1);
      expect(results.filter(Boolean)).toHaveLength(14); // floor(1 / 0.07)
      expect(snap.spent_usd).toBeLessThanOrEqual(1);
      expect(snap.spent_usd).toBeCloseTo(0.98, 10);
      expect(snap.reserved_usd).toBe(0);
    } finally {
      for (const c of clients.slice(1)) c.disconnect();
    }
  });
});
