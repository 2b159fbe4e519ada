/**
 * The bench's `baseline-batched` target: the bare pipeline's endpoint, with
 * BASELINE_BATCH_WAITS=1, puts the `Prefer: wait` jobs of one event-loop turn on the queue as one
 * BullMQ job, and every client still gets its own call's answer. The built baseline processes are
 * run against the shared Redis and the provider simulator, as the bench runs them.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import Redis from 'ioredis';
import { startSimulator, type RunningSimulator } from '@switchyard/simulator';
import { ManagedProcess, TEST_REDIS_URL, deleteKeys, freePort } from '@switchyard/testing';

const REQUESTS = 40;

describe('bench baseline-batched', () => {
  let sim: RunningSimulator;
  let redis: Redis;
  let api: ManagedProcess;
  let worker: ManagedProcess;
  let port: number;
  const prefix = `bullt-batch-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      BASELINE_REDIS_URL: TEST_REDIS_URL,
      BASELINE_QUEUE_PREFIX: prefix,
      BASELINE_QUEUE: 'baseline',
      BASELINE_SIM_URL: sim.url,
      BASELINE_CONCURRENCY: '100',
      BASELINE_BATCH_WAITS: '1',
    };
    api = new ManagedProcess(
      'baseline-api',
      'bench/src/baseline/api.js',
      [],
      {
        ...env,
        PORT: String(port),
      },
      port,
    );
    worker = new ManagedProcess('baseline-worker', 'bench/src/baseline/worker.js', [], env);
    await Promise.all([
      api.start().waitForHttp('/healthz'),
      worker.start().waitForLog(/baseline-worker ready/),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await deleteKeys(redis, `${prefix}:*`);
    redis.disconnect();
    await sim?.close();
  });

  it('answers concurrent Prefer: wait jobs each with its own call, from fewer BullMQ jobs', async () => {
    // Requests written back to back on open connections, so that several reach the endpoint in
    // one event-loop turn; a turn may still see one alone, so up to three bursts are sent.
    const jobIds = new Set<string>();
    let batchedBurst = false;
    for (let burst = 0; burst < 3 && !batchedBurst; burst++) {
      // Prompts of different lengths: the simulator's prompt_tokens tell whose answer came back.
      const prompts = Array.from({ length: REQUESTS }, (_, i) => `job ${i} ${'x'.repeat(8 * i)}`);
      const answers = await burstOfWaits(port, prompts);
      answers.forEach(({ status, body }, i) => {
        expect(status).toBe(200);
        expect(body.status).toBe('succeeded');
        expect(body.result?.text.length).toBeGreaterThan(0);
        expect(body.result?.usage.prompt_tokens).toBe(Math.ceil(prompts[i].length / 4));
      });
      expect(new Set(answers.map(({ body }) => body.id)).size).toBe(REQUESTS);
      const batches = new Set(answers.map(({ body }) => body.id.split('.')[0]));
      batches.forEach((id) => jobIds.add(id));
      batchedBurst = batches.size < REQUESTS;
    }
    // BullMQ's job-id counter: one job per batch.
    expect(Number(await redis.get(`${prefix}:baseline:id`))).toBe(jobIds.size);
    expect(batchedBurst).toBe(true);
  });
});

interface WaitAnswer {
  status: number;
  body: { id: string; status: string; result?: { text: string; usage: { prompt_tokens: number } } };
}

/** One `Prefer: wait` job per prompt, each on its own connection, all written in one go. */
async function burstOfWaits(port: number, prompts: string[]): Promise<WaitAnswer[]> {
  const sockets = await Promise.all(
    prompts.map(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  const answers = sockets.map(
    (socket) =>
      new Promise<WaitAnswer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.once('error', reject);
        socket.once('end', () => {
          const text = Buffer.concat(chunks).toString();
          const split = text.indexOf('\r\n\r\n');
          resolve({
            status: Number(text.slice(0, split).split(' ')[1]),
            body: JSON.parse(text.slice(split + 4)) as WaitAnswer['body'],
          });
        });
      }),
  );
  prompts.forEach((content, i) => {
    const body = JSON.stringify({ messages: [{ role: 'user', content }] });
    sockets[i].write(
      'POST /jobs HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n' +
        `prefer: wait=20\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  return Promise.all(answers);
}
