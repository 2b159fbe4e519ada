import { RedisServerProcess, SwitchyardStack } from '@switchyard/testing';
import { answerWithin, reasoning, until } from './resilience-support';

/**
 * Issue 14, item 5: a Redis that freezes without dropping its connections (SIGSTOP on a private
 * redis-server: the sockets stay open, nothing answers). Before the command timeout every API
 * request waited about 45 s; now each gets the 503 an unreachable Redis gets, within a few
 * seconds, and the API recovers when Redis does.
 */
describe('a black-holed Redis under a running stack', () => {
  let redis: RedisServerProcess;
  let stack: SwitchyardStack;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    stack = await SwitchyardStack.start({
      redisUrl: redis.url,
      providers: ['openai'],
      env: { SWITCHYARD_REDIS_COMMAND_TIMEOUT_MS: '1000' },
    });
  });

  afterAll(async () => {
    redis?.thaw();
    await stack?.stop();
    await redis?.destroy();
  });

  it('answers 503 service_unavailable within seconds while Redis is frozen, and serves again once it thaws', async () => {
    const before = await stack.submit(reasoning('before the freeze'));
    expect(before.status).toBe(202);
    expect((await stack.waitForJob(before.body.id)).status).toBe('succeeded');

    redis.freeze();
    try {
      const unavailable = { status: 503, body: { error: { type: 'service_unavailable' } } };
      const started = Date.now();
      const submitted = await answerWithin(stack.submit(reasoning('during the freeze')), 5000);
      expect(submitted).toMatchObject(unavailable);
      expect(submitted.body.error.message).toMatch(/redis/i);
      expect(
        await answerWithin(stack.request('GET', `/v1/jobs/${before.body.id}`), 5000),
      ).toMatchObject(unavailable);
      expect(await answerWithin(stack.request('GET', '/v1/jobs'), 5000)).toMatchObject(unavailable);
      // Three requests one after the other, each bounded by the 1 s command timeout.
      expect(Date.now() - started).toBeLessThan(12_000);
      expect(
        await answerWithin(stack.request('GET', '/readyz', undefined, {}, null), 5000),
      ).toMatchObject({ status: 503, body: { status: 'not_ready' } });
    } finally {
      redis.thaw();
    }

    const after = await until(
      () => stack.submit(reasoning('after the thaw')),
      (r) => r.status === 202,
      'the API to accept jobs again',
      15_000,
    );
    expect((await stack.waitForJob(after.body.id)).status).toBe('succeeded');
  });
});
