/**
 * `npm run bench -- --micro`: prices, in isolation, the Redis client patterns the profiles point at
 * on Switchyard's per-job path, so proposals can quote a cost per call. Client CPU is this
 * process's user+sys time; wall time is per call, sequential, on the shared local Redis.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import OpenAI from 'openai';
import {
  createPooledFetch,
  createProviderAdapter,
  type CompletionRequest,
  type ProviderKind,
} from '@switchyard/providers';
import { deleteKeys } from './redis-stats';
import { SimulatorProcess } from './simulator';

export interface MicroResult {
  name: string;
  calls: number;
  wallUsPerCall: number;
  cpuUsPerCall: number;
  note?: string;
}

// A script of the size and shape of JobStore's BEGIN_ATTEMPT (sent in full by redis.eval).
const SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing', '-1'} end
local hop = tonumber(redis.call('HGET', KEYS[1], 'current_hop') or '0')
if status == 'queued' then
  redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[1], 'updated_at', ARGV[1])
  status = 'running'
end
return {status, tostring(hop)}
`;

async function time(
  name: string,
  calls: number,
  fn: (i: number) => Promise<unknown> | unknown,
  note?: string,
): Promise<MicroResult> {
  for (let i = 0; i < Math.min(200, calls); i++) await fn(i); // warm-up
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn(i);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(cpu);
  return {
    name,
    calls,
    wallUsPerCall: (wall * 1000) / calls,
    cpuUsPerCall: (c.user + c.system) / calls,
    note,
  };
}

/** Like `time` for several patterns at once, in rounds that alternate them (same JIT warmth). */
async function timeAlternating(
  calls: number,
  patterns: Array<[name: string, fn: () => Promise<unknown>]>,
  rounds = 5,
): Promise<MicroResult[]> {
  for (const [, fn] of patterns) for (let i = 0; i < 200; i++) await fn(); // warm-up
  const totals = patterns.map(() => ({ wallMs: 0, cpuUs: 0, calls: 0 }));
  const perRound = Math.ceil(calls / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const [i, [, fn]] of patterns.entries()) {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      for (let c = 0; c < perRound; c++) await fn();
      totals[i].wallMs += performance.now() - t0;
      const used = process.cpuUsage(cpu);
      totals[i].cpuUs += used.user + used.system;
      totals[i].calls += perRound;
    }
  }
  return patterns.map(([name], i) => ({
    name,
    calls: totals[i].calls,
    wallUsPerCall: (totals[i].wallMs * 1000) / totals[i].calls,
    cpuUsPerCall: totals[i].cpuUs / totals[i].calls,
  }));
}

export async function runMicro(redisUrl: string, quick: boolean): Promise<MicroResult[]> {
  const n = quick ? 2000 : 10000;
  const prefix = `sybench-micro-${randomBytes(4).toString('hex')}`;
  const shared = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const plain = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('micro', { connection: shared, prefix });
  await queue.waitUntilReady();
  // BullMQ defines its scripts on the connection it is given when it first runs one.
  await queue.getJobCounts();
  const results: MicroResult[] = [];
  try {
    const scripts = Object.keys((shared as unknown as { scriptsSet: object }).scriptsSet).length;
    results.push(
      await time(
        'multi() on a connection BullMQ shares',
        n * 5,
        () => shared.multi(),
        `${scripts} BullMQ scripts copied onto every Pipeline`,
      ),
      await time('multi() on a connection of its own', n * 5, () => plain.multi()),
    );
    const key = `${prefix}:job:x`;
    await plain.hset(key, 'status', 'running', 'current_hop', '0');
    plain.defineCommand('beginAttempt', { numberOfKeys: 1, lua: SCRIPT });
    const withScript = plain as Redis & {
      beginAttempt(key: string, now: string): Promise<unknown>;
    };
    results.push(
      await time('EVAL <script text> (as JobStore does)', n, () =>
        plain.eval(SCRIPT, 1, key, 'now'),
      ),
      await time('EVALSHA via defineCommand', n, () => withScript.beginAttempt(key, 'now')),
      await time('one HGETALL round trip', n, () => plain.hgetall(key)),
      await time('13 sequential round trips (a worker job path)', Math.round(n / 13), async () => {
        for (let i = 0; i < 13; i++) await plain.hget(key, 'status');
      }),
      await time('the same 13 commands in one pipeline', Math.round(n / 13), () => {
        const p = plain.pipeline();
        for (let i = 0; i < 13; i++) p.hget(key, 'status');
        return p.exec();
      }),
    );
  } finally {
    await queue.close();
    await deleteKeys(plain, prefix);
    shared.disconnect();
    plain.disconnect();
  }
  return results;
}

const SDK_MODELS: Record<Exclude<ProviderKind, 'openai-compatible'>, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  google: 'gemini-2.5-flash',
};

/**
 * One streamed completion per call through each official SDK (as the workers make them) against
 * the simulator in a process of its own, with Node's built-in fetch and with the pooled undici
 * fetch the workers use. Client CPU is this process's: the SDK, its transport and the adapter.
 */
export async function runSdkMicro(quick: boolean): Promise<MicroResult[]> {
  const n = quick ? 300 : 1500;
  const sim = await SimulatorProcess.start();
  const results: MicroResult[] = [];
  try {
    for (const [kind, model] of Object.entries(SDK_MODELS) as Array<[ProviderKind, string]>) {
      const baseURL = `${sim.url}/p/${kind}${kind === 'openai' ? '/v1' : ''}`;
      const request: CompletionRequest = {
        model,
        messages: [{ role: 'user', content: 'one two three four five' }],
        max_tokens: 64,
        timeout_ms: 10_000,
      };
      for (const [transport, fetchImpl] of [
        [
          'built-in fetch',
          (input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, init),
        ],
        ['pooled undici fetch', createPooledFetch()],
      ] as const) {
        const adapter = createProviderAdapter({
          provider: kind,
          kind,
          baseURL,
          apiKey: 'sim-key',
          fetch: fetchImpl as typeof fetch,
        });
        results.push(
          await time(`${kind} SDK streamed call, ${transport}`, n, () => adapter.complete(request)),
        );
      }
    }
    // What streaming itself costs (every attempt streams, for the first-token watchdog and the
    // live events), on the SDK the OpenAI-compatible providers share too: the same answer through
    // the adapter, as one JSON body and as a stream read to the end with the SDK alone. Measured in
    // alternating rounds: one after the other, the later rows ran on a warmer JIT and read cheaper.
    const fetchImpl = createPooledFetch() as typeof fetch;
    const baseURL = `${sim.url}/p/openai/v1`;
    const adapter = createProviderAdapter({
      provider: 'openai',
      kind: 'openai',
      baseURL,
      apiKey: 'sim-key',
      fetch: fetchImpl,
    });
    const openai = new OpenAI({ baseURL, apiKey: 'sim-key', fetch: fetchImpl, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'one two three four five' }];
    const body = { model: SDK_MODELS.openai, messages, max_tokens: 64 };
    results.push(
      ...(await timeAlternating(n, [
        [
          'openai: the adapter (streamed), alternating',
          () => adapter.complete({ ...body, timeout_ms: 10_000 }),
        ],
        [
          'openai: the SDK alone, one JSON answer, alternating',
          () => openai.chat.completions.create(body),
        ],
        [
          'openai: the SDK alone, streamed to the end, alternating',
          async () => {
            const stream = await openai.chat.completions.create({
              ...body,
              stream: true,
              stream_options: { include_usage: true },
            });
            let chunks = 0;
            for await (const chunk of stream) chunks += chunk.choices.length;
            return chunks;
          },
        ],
      ])),
    );
  } finally {
    await sim.stop();
  }
  return results;
}

export function microTable(results: MicroResult[]): string {
  const rows = results.map((r) => [
    r.name,
    String(r.calls),
    r.wallUsPerCall.toFixed(1),
    r.cpuUsPerCall.toFixed(1),
    r.note ?? '',
  ]);
  const header = ['pattern', 'calls', 'wall µs/call', 'client CPU µs/call', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
