import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { ALERT_LOG_SIZE, AlertLog, alertScope, alertVisibleTo } from './alert-log';

describe('AlertLog (real Redis)', () => {
  let t: TestRedis;

  beforeAll(() => {
    t = createTestRedis('alert-log');
  });

  afterAll(async () => {
    await t.cleanup();
  });

  it('lists alerts newest first and keeps the first time of an alert raised twice', async () => {
    const log = new AlertLog(t.redis, `${t.prefix}:a`);
    await log.record('budget.alert', 'chat:2026-12-01', { task: 'chat' }, new Date(1000));
    await log.record('regression.detected', 'r1', { task: 'reasoning' }, new Date(2000));
    await log.record('budget.alert', 'chat:2026-12-01', { task: 'chat' }, new Date(3000));
    expect(await log.latest(10)).toEqual([
      {
        type: 'regression.detected',
        id: 'r1',
        at: new Date(2000).toISOString(),
        data: { task: 'reasoning' },
      },
      {
        type: 'budget.alert',
        id: 'chat:2026-12-01',
        at: new Date(1000).toISOString(),
        data: { task: 'chat' },
      },
    ]);
    expect(await log.latest(1)).toHaveLength(1);
  });

  it(`keeps only the newest ${ALERT_LOG_SIZE}`, async () => {
    const log = new AlertLog(t.redis, `${t.prefix}:b`);
    for (let i = 0; i < ALERT_LOG_SIZE + 5; i++) {
      await log.record('budget.alert', `task-${i}`, {}, new Date(10_000 + i));
    }
    const kept = await log.latest(ALERT_LOG_SIZE + 10);
    expect(kept).toHaveLength(ALERT_LOG_SIZE);
    expect(kept[0].id).toBe(`task-${ALERT_LOG_SIZE + 4}`);
    expect(kept[kept.length - 1].id).toBe('task-5');
    expect(await t.redis.hlen(`${t.prefix}:b:alerts:data`)).toBe(ALERT_LOG_SIZE);
  });

  it("shows a tenant its own budget alerts and every shared one, however many of another's are newer", async () => {
    const log = new AlertLog(t.redis, `${t.prefix}:c`);
    await log.record(
      'budget.alert',
      'chat:acme:d',
      { scope: 'task', task: 'chat', tenant: 'acme' },
      new Date(1000),
    );
    await log.record('regression.detected', 'r1', { task: 'chat' }, new Date(2000));
    for (let i = 0; i < 30; i++) {
      await log.record(
        'budget.alert',
        `t${i}:globex:d`,
        { scope: 'task', task: `t${i}`, tenant: 'globex' },
        new Date(3000 + i),
      );
    }
    await log.record(
      'budget.alert',
      '*:acme:d',
      { scope: 'tenant', tenant: 'acme' },
      new Date(5000),
    );
    expect((await log.latest(10, 'acme')).map((a) => a.id)).toEqual([
      '*:acme:d',
      'r1',
      'chat:acme:d',
    ]);
    expect((await log.latest(2, 'acme')).map((a) => a.id)).toEqual(['*:acme:d', 'r1']);
    const globex = await log.latest(50, 'globex');
    expect(globex).toHaveLength(31);
    expect(globex.some((a) => (a.data as { tenant?: string }).tenant === 'acme')).toBe(false);
  });

  it(`keeps a tenant's own alerts in its view after more than ${ALERT_LOG_SIZE} of another tenant's`, async () => {
    const log = new AlertLog(t.redis, `${t.prefix}:d`);
    await log.record('budget.alert', '*:acme:d', { scope: 'tenant', tenant: 'acme' }, new Date(1));
    await log.record('regression.detected', 'r1', { task: 'chat' }, new Date(2));
    for (let i = 0; i < ALERT_LOG_SIZE + 20; i++) {
      await log.record(
        'budget.alert',
        `t${i}:globex:d`,
        { scope: 'task', task: `t${i}`, tenant: 'globex' },
        new Date(100 + i),
      );
    }
    // The list of all keeps the newest only: the operator's view is globex's.
    const all = await log.latest(ALERT_LOG_SIZE + 50);
    expect(all).toHaveLength(ALERT_LOG_SIZE);
    expect(all.some((a) => a.id === '*:acme:d' || a.id === 'r1')).toBe(false);
    // acme still sees its own alert and the shared one; globex its newest, bounded.
    expect((await log.latest(10, 'acme')).map((a) => a.id)).toEqual(['r1', '*:acme:d']);
    const globex = await log.latest(ALERT_LOG_SIZE + 50, 'globex');
    expect(globex).toHaveLength(ALERT_LOG_SIZE + 1);
    expect(globex[0].id).toBe(`t${ALERT_LOG_SIZE + 19}:globex:d`);
    expect(globex.at(-1)?.id).toBe('r1');
  });
});

describe('alertVisibleTo', () => {
  it('keeps a budget.alert to the tenant it names and shares every other alert', () => {
    const budget = (data: unknown) => ({ type: 'budget.alert' as const, data });
    expect(alertVisibleTo(budget({ tenant: 'acme', scope: 'tenant' }), 'acme')).toBe(true);
    expect(alertVisibleTo(budget({ tenant: 'acme', task: 'chat' }), 'globex')).toBe(false);
    expect(alertVisibleTo(budget(null), 'acme')).toBe(false);
    expect(alertScope(budget({ tenant: 'acme', scope: 'tenant' }))).toEqual({ tenant: 'acme' });
    expect(alertScope(budget({ task: 'chat' }))).toBe('none');
    expect(alertScope({ type: 'regression.detected', data: null })).toBe('shared');
    expect(alertVisibleTo({ type: 'regression.detected', data: { task: 'chat' } }, 'globex')).toBe(
      true,
    );
  });
});
