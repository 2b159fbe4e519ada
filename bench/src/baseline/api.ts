/**
 * Baseline HTTP endpoint: plain node:http, one BullMQ Queue.add per job, nothing else. It answers
 * exactly what the bench client needs from Switchyard's API: submit (202, or 200 with the finished
 * job under `Prefer: wait=N`, via job.waitUntilFinished(queueEvents)) and read a job.
 *
 * With BASELINE_BATCH_WAITS=1 (the bench's `baseline-batched` target), the `Prefer: wait`
 * submissions that arrive in one event-loop turn ride one BullMQ job (`{calls: [...]}`) that the
 * worker answers with one result per call: the bare pipeline with a batched queue path, which
 * gives up one lock, stall recovery and queue-depth count per job for fewer queue round trips.
 *
 * Env: PORT, BASELINE_REDIS_URL, BASELINE_QUEUE_PREFIX, BASELINE_QUEUE, BASELINE_BATCH_WAITS.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Job, Queue, QueueEvents } from 'bullmq';
import Redis from 'ioredis';

const redisUrl = process.env.BASELINE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.BASELINE_QUEUE_PREFIX ?? 'bull';
const queueName = process.env.BASELINE_QUEUE ?? 'baseline';
const port = Number(process.env.PORT ?? 3100);
const batchWaits = process.env.BASELINE_BATCH_WAITS === '1';

interface CallData {
  model: string;
  messages: Array<{ role: string; content: string }>;
  max_tokens: number;
}

/** One member of a batch as the worker answers it. */
type CallOutcome = { result: unknown } | { error: string };

const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
connection.on('error', () => undefined);
const queue = new Queue<CallData | { calls: CallData[] }>(queueName, { connection, prefix });
queue.on('error', () => undefined);
let events: QueueEvents | undefined;

async function queueEvents(): Promise<QueueEvents> {
  if (!events) {
    events = new QueueEvents(queueName, { connection: { url: redisUrl }, prefix });
    events.on('error', () => undefined);
  }
  await events.waitUntilReady();
  return events;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

function preferWait(header: string | string[] | undefined): number {
  const m = /wait=(\d+)/.exec(String(header ?? ''));
  return m ? Number(m[1]) : 0;
}

function view(job: Job<CallData>): Record<string, unknown> {
  const status = job.finishedOn
    ? job.failedReason
      ? 'failed'
      : 'succeeded'
    : job.processedOn
      ? 'running'
      : 'queued';
  return {
    id: job.id,
    status,
    result: job.returnvalue ?? undefined,
    error: job.failedReason || undefined,
    created_at: job.timestamp,
    finished_at: job.finishedOn,
  };
}

interface BatchMember {
  data: CallData;
  resolve: (view: Record<string, unknown>) => void;
  reject: (err: unknown) => void;
}

let turnBatch: BatchMember[] | undefined;

/**
 * Joins this turn's batch, which goes on the queue once the turn is over and waits as long as its
 * first member asked.
 */
function waitInBatch(data: CallData, waitS: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    if (!turnBatch) {
      const batch: BatchMember[] = (turnBatch = []);
      setImmediate(() => {
        turnBatch = undefined;
        runBatch(batch, waitS).catch((err: unknown) => batch.forEach((m) => m.reject(err)));
      });
    }
    turnBatch.push({ data, resolve, reject });
  });
}

async function runBatch(batch: BatchMember[], waitS: number): Promise<void> {
  const job = await queue.add(
    'calls',
    { calls: batch.map((m) => m.data) },
    { removeOnComplete: { age: 3600, count: 10000 }, removeOnFail: { age: 7 * 86400 } },
  );
  const outcomes = (await job.waitUntilFinished(
    await queueEvents(),
    waitS * 1000,
  )) as CallOutcome[];
  batch.forEach((member, i) => {
    const outcome = outcomes[i];
    member.resolve({
      id: `${job.id}.${i}`,
      status: 'result' in outcome ? 'succeeded' : 'failed',
      result: 'result' in outcome ? outcome.result : undefined,
      error: 'error' in outcome ? outcome.error : undefined,
      created_at: job.timestamp,
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  if (req.method === 'POST' && url === '/jobs') {
    const body = JSON.parse(await readBody(req)) as { messages?: unknown; max_tokens?: number };
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      send(res, 400, { error: 'messages must be a non-empty array' });
      return;
    }
    const data: CallData = {
      model: 'gpt-4o-mini',
      messages: body.messages as CallData['messages'],
      max_tokens: body.max_tokens ?? 256,
    };
    const wait = preferWait(req.headers.prefer);
    if (wait > 0 && batchWaits) {
      send(res, 200, await waitInBatch(data, wait));
      return;
    }
    const job = await queue.add('call', data, {
      removeOnComplete: { age: 3600, count: 10000 },
      removeOnFail: { age: 7 * 86400 },
    });
    if (wait > 0) {
      await job.waitUntilFinished(await queueEvents(), wait * 1000);
      const done = await Job.fromId<CallData>(queue, job.id as string);
      send(res, 200, done ? view(done) : { id: job.id, status: 'succeeded' });
      return;
    }
    send(res, 202, { id: job.id, status: 'queued' });
    return;
  }
  const m = /^\/jobs\/([^/?]+)$/.exec(url);
  if (req.method === 'GET' && m) {
    const job = await Job.fromId<CallData>(queue, decodeURIComponent(m[1]));
    if (!job) send(res, 404, { error: 'not found' });
    else send(res, 200, view(job));
    return;
  }
  if (req.method === 'GET' && (url === '/healthz' || url === '/readyz')) {
    send(res, 200, { status: 'ok' });
    return;
  }
  send(res, 404, { error: 'not found' });
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => send(res, 500, { error: (err as Error).message }));
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`baseline-api listening on :${port}`));

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void Promise.allSettled([queue.close(), events?.close()]).then(() => {
    connection.disconnect();
    process.exit(0);
  });
});
