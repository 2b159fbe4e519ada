import { redisStatement } from './redis-statement';

describe('redisStatement', () => {
  const job = JSON.stringify({ messages: [{ role: 'user', content: 'secret plans' }] });

  it('keeps the script digest and keys of EVALSHA, never its arguments', () => {
    const text = redisStatement('evalsha', ['5ab432e8', 2, 'q:wait', 'q:meta', job, 'x']);
    expect(text).toBe('evalsha 5ab432e8 2 q:wait q:meta [2 other arguments]');
  });

  it('replaces the source of an EVAL script', () => {
    const text = redisStatement('eval', ["return redis.call('GET', KEYS[1])", '1', 'job:1', job]);
    expect(text).toBe('eval [script] 1 job:1 [1 other arguments]');
  });

  it('shows only the key of other commands', () => {
    expect(redisStatement('hset', ['job:1', 'request', job])).toBe(
      'hset job:1 [2 other arguments]',
    );
    expect(redisStatement('set', ['k', job, 'PX', 1000])).toBe('set k [3 other arguments]');
    expect(redisStatement('get', ['k'])).toBe('get k');
    expect(redisStatement('multi', [])).toBe('multi');
  });

  it('never shows credentials', () => {
    expect(redisStatement('auth', ['default', 'hunter2-password'])).toBe(
      'auth [2 other arguments]',
    );
    expect(redisStatement('hello', [3, 'AUTH', 'u', 'hunter2-password'])).toBe(
      'hello [4 other arguments]',
    );
    expect(redisStatement('config', ['set', 'requirepass', 'hunter2'])).toBe(
      'config [3 other arguments]',
    );
  });

  it('describes binary and long arguments instead of copying them', () => {
    expect(redisStatement('get', [Buffer.from('abc')])).toBe('get [3 bytes]');
    expect(redisStatement('get', ['k'.repeat(500)])).toBe(`get ${'k'.repeat(200)}…`);
  });
});
