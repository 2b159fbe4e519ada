import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { DailySpendStore } from './daily-spend-store';

// Keys expire by Redis's real clock two days after their day ends, so the fixed dates are in the future.
const NOON = new Date('2099-03-10T12:00:00Z');
const at = (iso: string) => new Date(iso);

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
    const first = await store.reserve('a', 0.6, 1, NOON);
    expect(first).toEqual({
      ok: true,
      reservationId: expect.stringMatching(/^2099-03-10\./),
    });
    const refused = await store.reserve('a', 0.5, 1, NOON);
    expect(refused).toEqual({
      ok: false,
      spent: 0,
      reserved: 0.6,
      limit: 1,
      resets_at: '2099-03-11T00:00:00.000Z',
    });
    expect((await store.reserve('a', 0.4, 1, NOON)).ok).toBe(true);
  });

  it('stores totals under <prefix>:spend:<task>:<day> in integer micro-USD', async () => {
    const r = await store.reserve('keys', 0.1, 10, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    await store.settle('keys', r.reservationId, 0.000123, NOON);
    expect(await t.redis.hget(`${t.prefix}:spend:keys:2099-03-10`, 'spent')).toBe('123');
  });

  it('settles at the real cost and frees the rest of the reservation', async () => {
    const r = await store.reserve('b', 0.5, 1, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    const settled = await store.settle('b', r.reservationId, 0.2, NOON);
    expect(settled).toEqual({
      settled: true,
      alert: false,
      day: '2099-03-10',
      spent_usd: 0.2,
      reserved_usd: 0,
    });
    expect(await store.snapshot('b', '2099-03-10', undefined, NOON)).toEqual({
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
    const r = await store.reserve('c', 0.3, 1, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    expect((await store.settle('c', r.reservationId, 0.3, NOON)).settled).toBe(true);
    const again = await store.settle('c', r.reservationId, 0.3, NOON);
    expect(again).toEqual({
      settled: false,
      alert: false,
      day: '2099-03-10',
      spent_usd: 0.3,
      reserved_usd: 0,
    });
  });

  it('releases a reservation for a call that never happened, once', async () => {
    const r = await store.reserve('d', 0.9, 1, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    expect(await store.release('d', r.reservationId, NOON)).toEqual({ released: true });
    expect(await store.release('d', r.reservationId, NOON)).toEqual({ released: false });
    const snap = await store.snapshot('d', '2099-03-10', 1, NOON);
    expect([snap.spent_usd, snap.reserved_usd, snap.remaining_usd]).toEqual([0, 0, 1]);
  });

  it("expires a crashed worker's reservation, and still bills a late settle", async () => {
    const r = await store.reserve('e', 0.8, 1, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    expect((await store.reserve('e', 0.8, 1, at('2099-03-10T12:00:59Z'))).ok).toBe(false);
    const later = at('2099-03-10T12:01:01Z');
    const snap = await store.snapshot('e', '2099-03-10', 1, later);
    expect(snap.reserved_usd).toBe(0);
    const late = await store.settle('e', r.reservationId, 0.25, later);
    expect(late).toMatchObject({ settled: true, spent_usd: 0.25, reserved_usd: 0 });
  });

  it('bills a reservation to the day it was made on, even when settled after midnight', async () => {
    const r = await store.reserve('f', 0.1, 1, at('2099-03-10T23:59:59Z'));
    if (!r.ok) throw new Error('expected a reservation');
    await store.settle('f', r.reservationId, 0.1, at('2099-03-11T00:00:01Z'));
    expect((await store.snapshot('f', '2099-03-10', 1, NOON)).spent_usd).toBe(0.1);
    expect((await store.snapshot('f', '2099-03-11', 1, NOON)).spent_usd).toBe(0);
  });

  it('starts each UTC day afresh', async () => {
    expect((await store.reserve('g', 1, 1, NOON)).ok).toBe(true);
    expect((await store.reserve('g', 0.01, 1, NOON)).ok).toBe(false);
    expect((await store.reserve('g', 1, 1, at('2099-03-11T00:00:00Z'))).ok).toBe(true);
  });

  it('reports exhaustion with the reset time', async () => {
    expect(await store.isExhausted('h', 1, NOON)).toEqual({
      exhausted: false,
      resets_at: '2099-03-11T00:00:00.000Z',
    });
    const r = await store.reserve('h', 1, 1, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    expect((await store.isExhausted('h', 1, NOON)).exhausted).toBe(true);
    expect((await store.isExhausted('h', undefined, NOON)).exhausted).toBe(false);
  });

  it('tracks spend without refusing when there is no limit', async () => {
    const r = await store.reserve('i', 1000, undefined, NOON);
    if (!r.ok) throw new Error('expected a reservation');
    await store.settle('i', r.reservationId, 999, NOON);
    const snap = await store.snapshot('i', '2099-03-10', undefined, NOON);
    expect(snap).toMatchObject({ spent_usd: 999, limit_usd: null, remaining_usd: null });
  });

  it('alerts exactly once per task per day when settled spend crosses alert_at', async () => {
    const budget = { daily_usd: 1, alert_at: 0.5 };
    const alerts: boolean[] = [];
    for (const amount of [0.3, 0.3, 0.3]) {
      const r = await store.reserve('j', amount, budget, NOON);
      if (!r.ok) throw new Error('expected a reservation');
      alerts.push((await store.settle('j', r.reservationId, amount, NOON)).alert);
    }
    expect(alerts).toEqual([false, true, false]);
    const tomorrow = await store.reserve('j', 0.6, budget, at('2099-03-11T08:00:00Z'));
    if (!tomorrow.ok) throw new Error('expected a reservation');
    const settled = await store.settle(
      'j',
      tomorrow.reservationId,
      0.6,
      at('2099-03-11T08:00:01Z'),
    );
    expect(settled).toMatchObject({ alert: true, day: '2099-03-11' });
  });

  it('does not alert on a worst-case reservation, only when real spend crosses alert_at', async () => {
    const budget = { daily_usd: 1, alert_at: 0.8 };
    const worstCase = await store.reserve('k', 0.85, budget, NOON);
    if (!worstCase.ok) throw new Error('expected a reservation');
    expect((await store.settle('k', worstCase.reservationId, 0.01, NOON)).alert).toBe(false);
    // The day's one alert is still there for the settle that really crosses 80 %.
    const real = await store.reserve('k', 0.8, budget, NOON);
    if (!real.ok) throw new Error('expected a reservation');
    expect((await store.settle('k', real.reservationId, 0.8, NOON)).alert).toBe(true);
  });

  it("alerts in the reservation's day when its settle arrives just after midnight", async () => {
    const budget = { daily_usd: 1, alert_at: 0.5 };
    const r = await store.reserve('alert-midnight', 0.6, budget, at('2099-03-10T23:59:59Z'));
    if (!r.ok) throw new Error('expected a reservation');
    const late = await store.settle(
      'alert-midnight',
      r.reservationId,
      0.6,
      at('2099-03-11T00:00:01Z'),
    );
    expect(late).toMatchObject({ settled: true, alert: true, day: '2099-03-10' });
    // The new day's own alert is not used up by yesterday's.
    const next = await store.reserve('alert-midnight', 0.6, budget, at('2099-03-11T00:00:02Z'));
    if (!next.ok) throw new Error('expected a reservation');
    const today = await store.settle(
      'alert-midnight',
      next.reservationId,
      0.6,
      at('2099-03-11T00:00:03Z'),
    );
    expect(today).toMatchObject({ alert: true, day: '2099-03-11' });
  });

  it('rejects ids it did not issue and negative amounts', async () => {
    await expect(store.settle('x', 'bogus', 1)).rejects.toThrow(/reservation id/);
    await expect(store.reserve('x', -1, 1)).rejects.toThrow(RangeError);
  });

  it('never lets spend exceed the limit under 200 concurrent reserve+settle calls', async () => {
    const clients = [t.redis, t.redis.duplicate(), t.redis.duplicate(), t.redis.duplicate()];
    const stores = clients.map((c) => new DailySpendStore(c, t.prefix));
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const s = stores[i % stores.length];
          const r = await s.reserve('race', 0.07, 1);
          if (!r.ok) return false;
          await s.settle('race', r.reservationId, 0.07);
          return true;
        }),
      );
      const snap = await store.snapshot('race', undefined, 1);
      expect(results.filter(Boolean)).toHaveLength(14); // floor(1 / 0.07)
      expect(snap.spent_usd).toBeLessThanOrEqual(1);
      expect(snap.spent_usd).toBeCloseTo(0.98, 10);
      expect(snap.reserved_usd).toBe(0);
    } finally {
      for (const c of clients.slice(1)) c.disconnect();
    }
  });
});
