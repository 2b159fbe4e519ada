/**
 * Baseline worker: one BullMQ Worker that makes the same SDK call as Switchyard's OpenAI adapter
 * (the openai SDK, maxRetries 0, chat.completions.create) against the same simulator, and returns
 * the answer with the call's duration. Nothing else: no job record, circuit breaker, budget,
 * latency tracking, tracing or metrics.
 *
 * Env: BASELINE_REDIS_URL, BASELINE_QUEUE_PREFIX, BASELINE_QUEUE, BASELINE_SIM_URL,
 * BASELINE_CONCURRENCY.
 */
import { Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import OpenAI from 'openai';

const redisUrl = process.env.BASELINE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.BASELINE_QUEUE_PREFIX ?? 'bull';
const queueName = process.env.BASELINE_QUEUE ?? 'baseline';
const simulatorUrl = process.env.BASELINE_SIM_URL ?? 'http://127.0.0.1:4010';
const concurrency = Number(process.env.BASELINE_CONCURRENCY ?? 100);

interface CallData {
  model: string;
  messages: Array<{ role: 'user' | 'system' | 'assistant'; content: string }>;
  max_tokens: number;
}

const client = new OpenAI({
  apiKey: 'sim-key',
  // The simulator keys faults and stats by the /p/{provider} prefix.
  baseURL: `${simulatorUrl}/p/baseline/v1`,
  maxRetries: 0,
  organization: null,
  project: null,
  webhookSecret: null,
});

const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
connection.on('error', () => undefined);

async function call(data: CallData): Promise<Record<string, unknown>> {
  const startedAt = Date.now();
  const started = performance.now();
  const completion = await client.chat.completions.create(
    {
      model: data.model,
      messages: data.messages,
      max_completion_tokens: data.max_tokens,
    },
    { timeout: 30_000 },
  );
  const latencyMs = performance.now() - started;
  return {
    text: completion.choices[0]?.message?.content ?? '',
    model: completion.model,
    usage: completion.usage,
    // Rounded like Switchyard's result.latency_ms, so both overheads carry the same rounding.
    latency_ms: Math.round(latencyMs),
    started_at: startedAt,
  };
}

/** A batch (the api's BASELINE_BATCH_WAITS) answers one outcome per call, in order. */
async function callAll(calls: CallData[]): Promise<Array<{ result: unknown } | { error: string }>> {
  const settled = await Promise.allSettled(calls.map(call));
  return settled.map((s) =>
    s.status === 'fulfilled' ? { result: s.value } : { error: String(s.reason) },
  );
}

const worker = new Worker<CallData | { calls: CallData[] }>(
  queueName,
  async (job: Job<CallData | { calls: CallData[] }>) =>
    'calls' in job.data ? callAll(job.data.calls) : call(job.data),
  { connection, prefix, concurrency },
);
worker.on('error', () => undefined);
void worker
  .waitUntilReady()
  .then(() => console.log(`baseline-worker ready: ${queueName} (concurrency ${concurrency})`));

process.once('SIGTERM', () => {
  void worker.close().then(() => {
    connection.disconnect();
    process.exit(0);
  });
});
