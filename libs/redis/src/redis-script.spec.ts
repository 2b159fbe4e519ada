import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { defineScript, scriptPrelude } from './redis-script';

// Echoes what each name is bound to, so a swapped key or argument shows.
const ECHO = defineScript({
  name: 'switchyardTestEcho',
  keys: ['first', 'second'],
  args: ['alpha', 'beta'],
  rest: 'pairs',
  lua: `
local tail = {}
for i = REST_FROM, #ARGV do tail[#tail + 1] = ARGV[i] end
return {KEY.first, KEY.second, ARG.alpha, ARG.beta, #tail, unpack(tail)}
`,
});

const COUNTER = defineScript({
  name: 'switchyardTestIncrBy',
  keys: ['counter'],
  args: ['by'],
  lua: `return redis.call('INCRBY', KEY.counter, ARG.by)`,
});

describe('RedisScript', () => {
  let t: TestRedis;

  beforeAll(() => {
    t = createTestRedis('redis-script');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('binds every declared key and argument by name, whatever order the call lists them in', async () => {
    const reply = await ECHO.run(t.redis, {
      keys: { second: 'k2', first: 'k1' },
      args: { beta: 'b', alpha: 7 },
      rest: ['x', 'y', 'z'],
    });
    expect(reply).toEqual(['k1', 'k2', '7', 'b', 3, 'x', 'y', 'z']);
  });

  it('passes a variadic tail of keys after the declared ones', async () => {
    const MANY = defineScript({
      name: 'switchyardTestManyKeys',
      keys: ['first'],
      args: ['by'],
      restKeys: 'counters',
      lua: `
local out = {KEY.first}
for i = KEY_REST_FROM, #KEYS do out[#out + 1] = redis.call('INCRBY', KEYS[i], ARG.by) end
return out
`,
    });
    const reply = await MANY.run(t.redis, {
      keys: { first: `${t.prefix}:first` },
      args: { by: 3 },
      restKeys: [`${t.prefix}:many:a`, `${t.prefix}:many:b`],
    });
    expect(reply).toEqual([`${t.prefix}:first`, 3, 3]);
    expect(await MANY.run(t.redis, { keys: { first: 'x' }, args: { by: 1 } })).toEqual(['x']);
  });

  it('passes the declared keys as KEYS (numberOfKeys follows the declaration)', async () => {
    const key = `${t.prefix}:counter`;
    expect(await COUNTER.run(t.redis, { keys: { counter: key }, args: { by: 2 } })).toBe(2);
    expect(await t.redis.get(key)).toBe('2');
  });

  it('queues on a pipeline of a connection it was defined on', async () => {
    const key = `${t.prefix}:piped`;
    COUNTER.defineOn(t.redis);
    const pipeline = t.redis.pipeline();
    COUNTER.queue(pipeline, { keys: { counter: key }, args: { by: 1 } });
    COUNTER.queue(pipeline, { keys: { counter: key }, args: { by: 4 } });
    const replies = await pipeline.exec();
    expect(replies?.map(([, v]) => v)).toEqual([1, 5]);
  });

  it('refuses a name Lua could not bind', () => {
    expect(() => scriptPrelude({ keys: ['job-key'], args: [] })).toThrow(/not a Lua name/);
    // A reserved word binds nothing either: `ARG.until` does not compile.
    expect(() => scriptPrelude({ keys: [], args: ['until'] })).toThrow(/"until" is not a Lua name/);
  });
});
