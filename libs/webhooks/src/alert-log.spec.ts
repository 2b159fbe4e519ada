import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { ALERT_LOG_SIZE, AlertLog } from './alert-log';

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
});
