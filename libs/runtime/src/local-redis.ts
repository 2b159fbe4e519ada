import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';

export class LocalRedisUnavailableError extends Error {
  override readonly name = 'LocalRedisUnavailableError';
}

const DEFAULT_PORT = 6379;

function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host });
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * For `npm start` on a laptop: use REDIS_URL when given; else a Redis already on 127.0.0.1:6379;
 * else start `redis-server` as a child process with its data under ./data (stopped on exit).
 * Without a redis-server binary, fail with one line that says how to get one.
 */
export async function ensureLocalRedis(
  redisUrl: string | undefined,
  dataDir: string,
): Promise<{ url: string; child?: ChildProcess }> {
  if (redisUrl) return { url: redisUrl };
  const url = `redis://127.0.0.1:${DEFAULT_PORT}`;
  if (await portAnswers(DEFAULT_PORT)) return { url };
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new LocalRedisUnavailableError(
      'no Redis: REDIS_URL is unset, nothing answers on 127.0.0.1:6379 and redis-server is not installed. ' +
        "Run `docker compose up -d redis` or install your distribution's redis-server package (e.g. apt-get install redis-server).",
    );
  }
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(DEFAULT_PORT),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  const stop = (): void => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  for (let i = 0; i < 50; i++) {
    if (await portAnswers(DEFAULT_PORT)) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new LocalRedisUnavailableError(
    'started redis-server but it did not answer on 127.0.0.1:6379 within 5 s',
  );
}
