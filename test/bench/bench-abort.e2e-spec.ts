/**
 * `npm run bench` cut short (a signal, or `2>&1 | head` closing its output) still stops the stack
 * it started and deletes what it wrote: the built bench is run for real against the shared Redis
 * and PostgreSQL, stopped mid-scenario, and the machine is searched for what it left.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL, waitFor } from '@switchyard/testing';

const REPO_ROOT = resolve(__dirname, '..', '..');
const BENCH = join(REPO_ROOT, 'dist', 'bench', 'src', 'main.js');

/** The environment of every live process started with `marker` in it, by pid. */
function processesWith(marker: string): Map<number, Record<string, string>> {
  const found = new Map<number, Record<string, string>>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    if (!environ.includes(marker)) continue;
    const env: Record<string, string> = {};
    for (const pair of environ.split('\0')) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    found.set(Number(entry), env);
  }
  return found;
}

interface RunningBench {
  child: ChildProcessWithoutNullStreams;
  marker: string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startBench(): RunningBench {
  const marker = `SYBENCH_ABORT_TEST=${randomBytes(6).toString('hex')}`;
  const child = spawn(
    process.execPath,
    [
      BENCH,
      '--quick',
      '--scenario',
      'a',
      '--target',
      'switchyard',
      '--no-redis-trace',
      // Long enough (a few seconds of sequential jobs) to be cut mid-phase; the phase's result
      // line is the write that meets the closed pipe.
      '--n',
      '300',
      '--env',
      marker,
      '--out',
      join(REPO_ROOT, 'bench', 'results', `abort-test-${process.pid}.json`),
    ],
    { cwd: REPO_ROOT, env: { ...process.env, REDIS_URL: TEST_REDIS_URL } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return { child, marker, stderr: () => stderr, exit };
}

describe('npm run bench, cut short', () => {
  let redis: Redis;
  let pg: Client;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    redis.disconnect();
    await pg.end();
  });

  /** Runs the bench until its stack serves jobs, cuts it short with `cut`, and checks the leftovers. */
  async function cutShort(
    cut: (bench: RunningBench) => void,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const bench = startBench();
    let redisPrefix: string | undefined;
    let queuePrefix: string | undefined;
    let ledgerSchema: string | undefined;
    try {
      await waitFor(
        async () => bench.stderr(),
        (text) => text.includes('[a] switchyard: running'),
        'the bench to start its stack',
        60_000,
      );
      const stack = processesWith(bench.marker);
      // ingress, router and the two workers, each with the bench's --env
      expect(stack.size).toBe(4);
      ({
        SWITCHYARD_REDIS_PREFIX: redisPrefix,
        SWITCHYARD_QUEUE_PREFIX: queuePrefix,
        SWITCHYARD_DB_SCHEMA: ledgerSchema,
      } = [...stack.values()][0]);
      expect(redisPrefix).toMatch(/^sybench-/);
      expect(await redis.keys(`${redisPrefix}:*`)).not.toHaveLength(0);

      cut(bench);
      const exit = await bench.exit;

      expect([...processesWith(bench.marker).keys()]).toEqual([]);
      expect(await redis.keys(`${redisPrefix}:*`)).toEqual([]);
      expect(await redis.keys(`${queuePrefix}:*`)).toEqual([]);
      const schemas = await pg.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
        ledgerSchema,
      ]);
      expect(schemas.rowCount).toBe(0);
      return exit;
    } finally {
      bench.child.kill('SIGKILL');
      for (const pid of processesWith(bench.marker).keys()) process.kill(pid, 'SIGKILL');
      // When the bench failed to clean up, the test does: the Redis and PostgreSQL are shared.
      for (const prefix of [redisPrefix, queuePrefix]) {
        const left = prefix ? await redis.keys(`${prefix}:*`) : [];
        if (left.length > 0) await redis.del(...left);
      }
      if (ledgerSchema) await pg.query(`DROP SCHEMA IF EXISTS "${ledgerSchema}" CASCADE`);
    }
  }

  it('stops its processes and deletes its keys and schema when the reader of its output goes (EPIPE)', async () => {
    const exit = await cutShort((bench) => {
      // What `2>&1 | head` does once head has its lines: the pipe's reading end closes, and the
      // bench's next progress line fails with EPIPE.
      bench.child.stderr.destroy();
      bench.child.stdout.destroy();
    });
    expect(exit).toEqual({ code: 141, signal: null });
  });

  it('stops its processes and deletes its keys and schema on SIGTERM', async () => {
    let stderrAtCut = 0;
    const exit = await cutShort((bench) => {
      stderrAtCut = bench.stderr().length;
      bench.child.kill('SIGTERM');
    });
    expect(exit).toEqual({ code: 143, signal: null });
    expect(stderrAtCut).toBeGreaterThan(0);
  });
});
