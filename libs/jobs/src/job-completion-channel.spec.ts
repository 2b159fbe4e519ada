import type Redis from 'ioredis';
import { createTestRedis, type TestRedis } from '@switchyard/testing';
import { JobCompletionChannel } from './job-completion-channel';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobCompletionChannel (real Redis pub/sub)', () => {
  let t: TestRedis;
  let subscriber: Redis;
  let channel: JobCompletionChannel;
  let reads: string[];

  /** The read a wait makes when it cannot know the job is still running; counted, answers `done`. */
  const readJob = (id: string, done: boolean) => () => {
    reads.push(id);
    return Promise.resolve(done);
  };

  /** Resolves once this process has heard the end of `id` (a watch, the worker's listener). */
  const heard = (id: string) =>
    new Promise<void>((resolve) => {
      const stop = channel.watch(id, () => {
        stop();
        resolve();
      });
    });

  beforeEach(async () => {
    t = createTestRedis('completions');
    subscriber = t.redis.duplicate({ connectionName: `${t.prefix}-sub` });
    channel = new JobCompletionChannel(t.redis, subscriber, t.prefix);
    reads = [];
    await channel.ready();
  });

  afterEach(async () => {
    subscriber.disconnect();
    await t.cleanup();
  });

  it('without a mark, reads the job once: it may have ended before the wait began', async () => {
    expect(
      await channel.waitFor('job-ended-before', 1_000, readJob('job-ended-before', true)),
    ).toBe(true);
    expect(reads).toEqual(['job-ended-before']);
  });

  it('with a mark taken before the job was queued, hears an end announced before the wait, without reading the job', async () => {
    const mark = channel.mark();
    expect(mark).toBeDefined();
    const announced = heard('job-fast');
    await channel.publish('job-fast');
    await announced;

    const started = Date.now();
    expect(await channel.waitFor('job-fast', 5_000, readJob('job-fast', false), mark)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(reads).toEqual([]);
  });

  it('with a mark, waits for the announcement instead of reading the job', async () => {
    const mark = channel.mark();
    // The read would say "done" at once: a wait that read it would resolve before the announcement.
    const waiting = channel.waitFor('job-slow', 5_000, readJob('job-slow', true), mark);
    let resolved = false;
    void waiting.then(() => (resolved = true));
    await sleep(100);
    expect(resolved).toBe(false);
    await channel.publish('job-slow');
    expect(await waiting).toBe(true);
    expect(reads).toEqual([]);
  });

  it('after the subscription dropped, no longer trusts the mark: announcements meanwhile were missed', async () => {
    const mark = channel.mark();
    // Killed by Redis (as a restart or a network cut would), found by its name among the clients.
    const clients = (await t.redis.client('LIST')) as string;
    const line = clients.split('\n').find((l) => l.includes(`name=${t.prefix}-sub `));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await t.redis.client('KILL', 'ID', String(id));
    // An end announced while the subscriber was away is never heard.
    await t.redis.publish(`${t.prefix}:job-done`, 'job-missed');
    const deadline = Date.now() + 5_000;
    while (channel.mark() === undefined && Date.now() < deadline) await sleep(20);
    expect(channel.mark()).toBeDefined();
    expect(channel.mark()?.epoch).not.toBe(mark?.epoch);

    expect(await channel.waitFor('job-missed', 1_000, readJob('job-missed', true), mark)).toBe(
      true,
    );
    expect(reads).toEqual(['job-missed']);
    // And the renewed subscription hears new ends again.
    const again = heard('job-after');
    await channel.publish('job-after');
    await again;
  });
});
