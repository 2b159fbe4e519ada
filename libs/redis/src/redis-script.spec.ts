import { createTestRedis, type TestRedis } from '@switchyard/testing';
import type Redis from 'ioredis';
import { defineScript, inOneScript, scriptPrelude } from './redis-script';

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

/** Counts the commands the client sends: what inOneScript saves is commands, so count them. */
function countCommands(redis: Redis): { names: string[]; restore: () => void } {
  const names: string[] = [];
  const original = redis.sendCommand.bind(redis);
  const spy = jest.spyOn(redis, 'sendCommand').mockImplementation((command, stream) => {
    names.push(command.name);
    return original(command, stream);
  });
  return { names, restore: () => spy.mockRestore() };
}

const NOTHING = defineScript({
  name: 'switchyardTestNothing',
  keys: [],
  args: [],
  lua: `local unused = 1`,
});

const INCR_STRING = defineScript({
  name: 'switchyardTestIncrString',
  keys: ['text'],
  args: [],
  lua: `
redis.call('SET', KEY.text, 'not a number')
return redis.call('INCR', KEY.text)
`,
});

describe('inOneScript', () => {
  let t: TestRedis;

  beforeAll(() => {
    t = createTestRedis('redis-one-script');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('sends the runs issued inside it as one command, each with its own reply in order', async () => {
    const counter = `${t.prefix}:one:counter`;
    const runAll = (): Promise<unknown[]> =>
      inOneScript(t.redis, () =>
        Promise.all([
          ECHO.run(t.redis, {
            keys: { second: 'k2', first: 'k1' },
            args: { beta: 'b', alpha: 7 },
            rest: ['x', 'y'],
          }),
          COUNTER.run(t.redis, { keys: { counter }, args: { by: 2 } }),
          COUNTER.run(t.redis, { keys: { counter }, args: { by: 3 } }),
          NOTHING.run(t.redis, { keys: {}, args: {} }),
        ]),
      );
    // The first call also loads the composed script (EVALSHA, NOSCRIPT, then EVAL).
    expect(await runAll()).toEqual([['k1', 'k2', '7', 'b', 2, 'x', 'y'], 2, 5, null]);
    const counted = countCommands(t.redis);
    const replies = await runAll();
    counted.restore();
    expect(replies).toEqual([['k1', 'k2', '7', 'b', 2, 'x', 'y'], 7, 10, null]);
    expect(counted.names).toEqual(['evalsha']);
  });

  it("slices each run's variadic keys and arguments from the composed call", async () => {
    const MANY = defineScript({
      name: 'switchyardTestManyKeysComposed',
      keys: ['first'],
      args: ['by'],
      restKeys: 'counters',
      lua: `
local out = {KEY.first, #KEYS, #ARGV}
for i = KEY_REST_FROM, #KEYS do out[#out + 1] = redis.call('INCRBY', KEYS[i], ARG.by) end
return out
`,
    });
    const [a, b] = await inOneScript(t.redis, () =>
      Promise.all([
        MANY.run(t.redis, {
          keys: { first: 'f1' },
          args: { by: 2 },
          restKeys: [`${t.prefix}:many:a`, `${t.prefix}:many:b`],
        }),
        MANY.run(t.redis, { keys: { first: 'f2' }, args: { by: 5 } }),
      ]),
    );
    expect(a).toEqual(['f1', 3, 1, 2, 2]);
    expect(b).toEqual(['f2', 1, 1]);
  });

  it('rejects only the run that failed; the runs around it are applied', async () => {
    const counter = `${t.prefix}:fail:counter`;
    const results = await inOneScript(t.redis, () =>
      Promise.allSettled([
        COUNTER.run(t.redis, { keys: { counter }, args: { by: 1 } }),
        INCR_STRING.run(t.redis, { keys: { text: `${t.prefix}:fail:text` }, args: {} }),
        COUNTER.run(t.redis, { keys: { counter }, args: { by: 10 } }),
      ]),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failed = results[1] as PromiseRejectedResult;
    expect(String(failed.reason)).toMatch(/switchyardTestIncrString: .*not an integer/);
    expect(await t.redis.get(counter)).toBe('11');
  });

  it('leaves other connections, and runs issued after an await, to go out on their own', async () => {
    const other = t.redis.duplicate();
    await other.ping();
    const counter = `${t.prefix}:apart:counter`;
    const otherCounter = `${t.prefix}:apart:other`;
    const counted = countCommands(t.redis);
    const countedOther = countCommands(other);
    const replies = await inOneScript(t.redis, async () => {
      const first = COUNTER.run(t.redis, { keys: { counter }, args: { by: 1 } });
      const elsewhere = COUNTER.run(other, { keys: { counter: otherCounter }, args: { by: 100 } });
      await first;
      const later = await COUNTER.run(t.redis, { keys: { counter }, args: { by: 1000 } });
      return [await first, await elsewhere, later];
    });
    counted.restore();
    countedOther.restore();
    expect(replies).toEqual([1, 100, 1001]);
    expect(counted.names.filter((n) => n.startsWith('eval'))).toHaveLength(2);
    expect(countedOther.names.filter((n) => n.startsWith('eval'))).toHaveLength(1);
    other.disconnect();
  });

  it('joins an enclosing gathering on the same connection', async () => {
    const counter = `${t.prefix}:nested:counter`;
    await t.redis.ping();
    const counted = countCommands(t.redis);
    const replies = await inOneScript(t.redis, () =>
      Promise.all([
        COUNTER.run(t.redis, { keys: { counter }, args: { by: 1 } }),
        inOneScript(t.redis, () => COUNTER.run(t.redis, { keys: { counter }, args: { by: 2 } })),
      ]),
    );
    counted.restore();
    expect(replies).toEqual([1, 3]);
    expect(counted.names.filter((n) => n === 'evalsha')).toHaveLength(1);
  });
});
