import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import { CompletionWaiter, HttpClient } from './http-client';
import type { TargetName } from './options';
import { BenchProcess, distPath, freePort, sleep } from './processes';
import { deleteKeys } from './redis-stats';

export interface Attempt {
  provider: string;
  status: string;
  startedAtMs: number;
  latencyMs: number;
}

/** A finished job as read back from the API. */
export interface JobOutcome {
  id: string;
  status: string;
  /** Provider call time as measured by the worker, summed over the job's attempts (ms) */
  providerMs: number;
  attempts: Attempt[];
  createdAtMs?: number;
  finishedAtMs?: number;
  /** The plan skipped a candidate because its circuit was open */
  circuitSkipped: boolean;
}

export interface SubmitResult {
  status: number;
  id?: string;
  /** Present when the answer already holds the finished job (Prefer: wait) */
  outcome?: JobOutcome;
  error?: string;
}

export interface TargetContext {
  redisUrl: string;
  simulatorUrl: string;
  concurrency: number;
  /** Path prefix for CPU profiles, or undefined when not profiling */
  profileOut?: string;
  env: Record<string, string>;
  dailyBudget: boolean;
  /** PostgreSQL for the split processes' ledger (a schema of the target's own, dropped after) */
  databaseUrl: string;
}

/** A stack under test as the bench client drives it. */
export interface Target {
  readonly name: TargetName;
  /** The processes whose CPU and memory count for this target */
  readonly processes: BenchProcess[];
  readonly completions: CompletionWaiter;
  /** Routing-table provider names whose calls reach the simulator (for latency rules) */
  readonly simulatedProviders: string[];
  submit(index: number, waitSeconds?: number): Promise<SubmitResult>;
  fetch(id: string): Promise<JobOutcome | undefined>;
  /** Jobs being processed by the primary provider's worker right now */
  activeJobs(): Promise<number>;
  /** Where the target records its calls: PostgreSQL backends' CPU counts for the target */
  readonly ledger: 'postgres' | 'pglite' | 'none';
  /** PostgreSQL backends serving this target's ledger */
  ledgerBackends(): Promise<number[]>;
  /** SIGUSR2 to every process (toggles the preloaded profiler) */
  toggleProfiler(): void;
  stop(): Promise<void>;
}

export const TENANT = 'bench';
const API_KEY = `sk-bench-${randomBytes(12).toString('hex')}`;

function message(index: number): Array<{ role: string; content: string }> {
  return [{ role: 'user', content: `Benchmark job ${index}: reply with a short greeting.` }];
}

function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' };
}

/** The node flags the image (Dockerfile's NODE_OPTIONS) and `npm start` run Switchyard with. */
export const SWITCHYARD_NODE_OPTIONS = '--max-semi-space-size=4';

function profileArgs(
  ctx: TargetContext,
  name: string,
): { nodeArgs: string[]; env: NodeJS.ProcessEnv } {
  if (!ctx.profileOut) return { nodeArgs: [], env: {} };
  return {
    nodeArgs: ['-r', distPath('bench/src/preload/cpu-profiler.js')],
    env: { BENCH_PROFILE_OUT: `${ctx.profileOut}-${name}` },
  };
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

function ms(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** Switchyard's JobView as a JobOutcome. */
export function switchyardOutcome(body: unknown): JobOutcome | undefined {
  const job = asRecord(body);
  if (typeof job.id !== 'string') return undefined;
  const result = asRecord(job.result);
  const attempts: Attempt[] = (Array.isArray(job.attempts) ? job.attempts : []).map((a) => {
    const r = asRecord(a);
    return {
      provider: String(r.provider),
      status: String(r.status),
      startedAtMs: ms(r.started_at) ?? 0,
      latencyMs: typeof r.latency_ms === 'number' ? r.latency_ms : 0,
    };
  });
  const called = attempts.filter((a) => a.status !== 'running');
  const providerMs = called.length
    ? called.reduce((sum, a) => sum + a.latencyMs, 0)
    : typeof result.latency_ms === 'number'
      ? result.latency_ms
      : 0;
  const skipped = Array.isArray(job.skipped) ? job.skipped.map(asRecord) : [];
  return {
    id: job.id,
    status: String(job.status),
    providerMs,
    attempts,
    createdAtMs: ms(job.created_at),
    finishedAtMs: ms(job.finished_at),
    circuitSkipped: skipped.some((s) => s.reason === 'circuit_open'),
  };
}

/** The baseline API's job as a JobOutcome. */
export function baselineOutcome(body: unknown): JobOutcome | undefined {
  const job = asRecord(body);
  if (job.id === undefined) return undefined;
  const result = asRecord(job.result);
  const latency = typeof result.latency_ms === 'number' ? result.latency_ms : 0;
  const attempts: Attempt[] =
    typeof result.started_at === 'number'
      ? [
          {
            provider: 'baseline',
            status: String(job.status),
            startedAtMs: result.started_at,
            latencyMs: latency,
          },
        ]
      : [];
  return {
    id: String(job.id),
    status: String(job.status),
    providerMs: latency,
    attempts,
    createdAtMs: ms(job.created_at),
    finishedAtMs: ms(job.finished_at),
    circuitSkipped: false,
  };
}

/**
 * Switchyard with its ledger on, every provider (openai, the primary, and `fallback`, a second
 * OpenAI-kind provider so a fallback runs the very same SDK path) served by the simulator, on the
 * shared Redis under key prefixes of this run. `switchyard`: as deployed, ingress, router and one
 * worker process per provider, the ledger in PostgreSQL under a schema of this target's own;
 * `allinone`: `npm start`, one process with the embedded PGlite ledger.
 */
export class SwitchyardTarget implements Target {
  readonly processes: BenchProcess[] = [];
  readonly completions = new CompletionWaiter();
  readonly simulatedProviders = ['openai', 'fallback'];
  readonly redisPrefix: string;
  readonly queuePrefix: string;
  /** PostgreSQL schema and application_name of the split processes' ledger connections */
  readonly ledgerSchema?: string;
  readonly ledger: 'postgres' | 'pglite';
  private readonly dir: string;
  private client?: HttpClient;
  private subscriber?: Redis;
  private pg?: Client;

  constructor(
    readonly name: 'switchyard' | 'allinone',
    private readonly ctx: TargetContext,
    private readonly redis: Redis,
  ) {
    const id = randomBytes(4).toString('hex');
    this.redisPrefix = `sybench-${id}`;
    this.queuePrefix = `bullbench-${id}`;
    if (name === 'switchyard') this.ledgerSchema = `sybench_${id}`;
    this.ledger = name === 'switchyard' ? 'postgres' : 'pglite';
    this.dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  }

  static routesYaml(concurrency: number, dailyBudget: boolean): string {
    return `# Written by the bench: no api_key_env, so every provider is served by the simulator.
providers:
  # Scenario (c) holds calls 15 s before their first token: the streaming limits (first token
  # 15 s by default) must not cut what the bench holds on purpose.
  openai:
    kind: openai
    concurrency: ${concurrency}
    timeout_ms: 30000
    first_token_timeout_ms: 30000
    stream_idle_timeout_ms: 30000
  fallback:
    kind: openai
    concurrency: ${concurrency}
    timeout_ms: 30000
    first_token_timeout_ms: 30000
    stream_idle_timeout_ms: 30000
models:
  fallback/gpt-4o-mini:
    context_window: 128000
    max_output_tokens: 16384
    capabilities: [text, vision, json_schema, tools]
    price: { input_per_mtok: 0.15, output_per_mtok: 0.6 }
tasks:
  bench:
    primary: openai/gpt-4o-mini
    fallbacks: [fallback/gpt-4o-mini]
    max_tokens: 256
    budget: { max_cost_usd: 0.05, latency_ms: 60000${dailyBudget ? ', daily_usd: 1000000' : ''} }
    retry: { attempts: 1, backoff_ms: 0 }
`;
  }

  get routesPath(): string {
    return join(this.dir, 'routes.bench.yaml');
  }

  async start(): Promise<void> {
    writeFileSync(
      this.routesPath,
      SwitchyardTarget.routesYaml(this.ctx.concurrency, this.ctx.dailyBudget),
    );
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(),
      NODE_OPTIONS: SWITCHYARD_NODE_OPTIONS,
      REDIS_URL: this.ctx.redisUrl,
      SWITCHYARD_REDIS_PREFIX: this.redisPrefix,
      SWITCHYARD_QUEUE_PREFIX: this.queuePrefix,
      SWITCHYARD_ROUTES: this.routesPath,
      SWITCHYARD_SIMULATOR_URL: this.ctx.simulatorUrl,
      SWITCHYARD_API_KEYS: `${TENANT}=${API_KEY}`,
      SWITCHYARD_DATA_DIR: join(this.dir, 'data'),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      ...this.ledgerEnv(),
      ...this.ctx.env,
    };
    const specs: Array<{ name: string; entry: string; args: string[] }> =
      this.name === 'allinone'
        ? [{ name: 'all-in-one', entry: 'apps/all-in-one/src/main.js', args: [] }]
        : [
            { name: 'ingress', entry: 'apps/ingress/src/main.js', args: [] },
            { name: 'router', entry: 'apps/router/src/main.js', args: [] },
            {
              name: 'worker-openai',
              entry: 'apps/worker/src/main.js',
              args: ['--provider', 'openai'],
            },
            {
              name: 'worker-fallback',
              entry: 'apps/worker/src/main.js',
              args: ['--provider', 'fallback'],
            },
          ];
    let ingressPort = 0;
    for (const spec of specs) {
      const port = await freePort();
      if (spec.name === 'ingress' || spec.name === 'all-in-one') ingressPort = port;
      const prof = profileArgs(this.ctx, spec.name);
      this.processes.push(
        new BenchProcess(
          spec.name,
          spec.entry,
          spec.args,
          { ...env, ...prof.env, PORT: String(port) },
          port,
          prof.nodeArgs,
        ),
      );
    }
    // Started together: start-up is not measured, and the machine has two cores.
    await Promise.all(this.processes.map((p) => p.start().waitForHttp('/readyz')));
    this.client = new HttpClient(`http://127.0.0.1:${ingressPort}`, {
      authorization: `Bearer ${API_KEY}`,
    });
    this.subscriber = new Redis(this.ctx.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel: string, id: string) => this.completions.notify(id));
    await this.subscriber.subscribe(`${this.redisPrefix}:job-done`);
    if (this.ledgerSchema) {
      this.pg = new Client({ connectionString: this.ctx.databaseUrl });
      await this.pg.connect();
    }
  }

  /**
   * The split processes write the ledger to PostgreSQL, their connections named after the schema
   * so the bench finds their backends; the all-in-one keeps its embedded default (PGlite under
   * SWITCHYARD_DATA_DIR).
   */
  private ledgerEnv(): NodeJS.ProcessEnv {
    if (!this.ledgerSchema) return {};
    const url = new URL(this.ctx.databaseUrl);
    url.searchParams.set('application_name', this.ledgerSchema);
    return { DATABASE_URL: url.toString(), SWITCHYARD_DB_SCHEMA: this.ledgerSchema };
  }

  async ledgerBackends(): Promise<number[]> {
    if (!this.pg) return [];
    const res = await this.pg.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [this.ledgerSchema],
    );
    return res.rows.map((r) => r.pid);
  }

  async submit(index: number, waitSeconds = 0): Promise<SubmitResult> {
    const res = await this.http.request(
      'POST',
      '/v1/jobs',
      { task: 'bench', messages: message(index) },
      waitSeconds > 0 ? { prefer: `wait=${waitSeconds}` } : {},
    );
    const body = asRecord(res.body);
    if (res.status !== 202 && res.status !== 200)
      return { status: res.status, error: JSON.stringify(res.body).slice(0, 300) };
    return {
      status: res.status,
      id: typeof body.id === 'string' ? body.id : undefined,
      outcome: res.status === 200 ? switchyardOutcome(res.body) : undefined,
    };
  }

  async fetch(id: string): Promise<JobOutcome | undefined> {
    const res = await this.http.request('GET', `/v1/jobs/${id}`);
    return res.status === 200 ? switchyardOutcome(res.body) : undefined;
  }

  async activeJobs(): Promise<number> {
    return this.redis.llen(`${this.queuePrefix}:provider-openai:active`);
  }

  /** Forgets the circuits of the primary (scenario d keeps the circuit closed that way). */
  async resetPrimaryCircuit(): Promise<void> {
    await this.redis.del(
      `${this.redisPrefix}:cb:{openai}:state`,
      `${this.redisPrefix}:cb:{openai}:win`,
      `${this.redisPrefix}:cb:{openai/gpt-4o-mini}:state`,
      `${this.redisPrefix}:cb:{openai/gpt-4o-mini}:win`,
    );
  }

  toggleProfiler(): void {
    for (const p of this.processes) p.signal('SIGUSR2');
  }

  private get http(): HttpClient {
    if (!this.client) throw new Error('switchyard target not started');
    return this.client;
  }

  /**
   * Called twice at once when a run is cut short (the abort's cleanup, and the scenario it cut
   * short failing): both get the one stop. Two stops raced on the one pg client, the loser's
   * DROP against the winner's end(), and each threw before deleting the keys.
   */
  stop(): Promise<void> {
    return (this.stopping ??= this.stopOnce());
  }

  private stopping?: Promise<void>;

  private async stopOnce(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.subscriber?.disconnect();
    await Promise.all(this.processes.map((p) => p.stop()));
    try {
      if (this.pg) {
        await this.pg.query(`DROP SCHEMA IF EXISTS ${this.ledgerSchema} CASCADE`);
        await this.pg.end();
      }
    } finally {
      await deleteKeys(this.redis, this.redisPrefix);
      await deleteKeys(this.redis, this.queuePrefix);
      if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * The baseline: a plain node:http endpoint doing Queue.add, one BullMQ worker making the same SDK
 * call, and the client learning of completion from BullMQ's QueueEvents (the counterpart of
 * Switchyard's completion channel) before reading the job back over HTTP.
 */
export class BaselineTarget implements Target {
  readonly ledger = 'none' as const;
  readonly processes: BenchProcess[] = [];
  readonly completions = new CompletionWaiter();
  readonly simulatedProviders = ['baseline'];
  readonly queuePrefix: string;
  private readonly queue = 'baseline';
  private client?: HttpClient;
  private events?: QueueEvents;

  /** baseline-batched: `Prefer: wait` jobs of one event-loop turn ride one BullMQ job */
  constructor(
    readonly name: 'baseline' | 'baseline-batched',
    private readonly ctx: TargetContext,
    private readonly redis: Redis,
  ) {
    this.queuePrefix = `bullbase-${randomBytes(4).toString('hex')}`;
  }

  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(),
      BASELINE_REDIS_URL: this.ctx.redisUrl,
      BASELINE_QUEUE_PREFIX: this.queuePrefix,
      BASELINE_QUEUE: this.queue,
      BASELINE_SIM_URL: this.ctx.simulatorUrl,
      BASELINE_CONCURRENCY: String(this.ctx.concurrency),
      BASELINE_BATCH_WAITS: this.name === 'baseline-batched' ? '1' : '0',
    };
    const port = await freePort();
    const apiProf = profileArgs(this.ctx, 'baseline-api');
    const workerProf = profileArgs(this.ctx, 'baseline-worker');
    const api = new BenchProcess(
      'baseline-api',
      'bench/src/baseline/api.js',
      [],
      { ...env, ...apiProf.env, PORT: String(port) },
      port,
      apiProf.nodeArgs,
    );
    const worker = new BenchProcess(
      'baseline-worker',
      'bench/src/baseline/worker.js',
      [],
      { ...env, ...workerProf.env },
      undefined,
      workerProf.nodeArgs,
    );
    this.processes.push(api, worker);
    await Promise.all([
      api.start().waitForHttp('/healthz'),
      worker.start().waitForLog(/baseline-worker ready/),
    ]);
    this.client = new HttpClient(`http://127.0.0.1:${port}`);
    this.events = new QueueEvents(this.queue, {
      connection: { url: this.ctx.redisUrl },
      prefix: this.queuePrefix,
    });
    this.events.on('error', () => undefined);
    this.events.on('completed', ({ jobId }) => this.completions.notify(jobId));
    this.events.on('failed', ({ jobId }) => this.completions.notify(jobId));
    await this.events.waitUntilReady();
    // QueueEvents starts reading at '$': give its first XREAD a moment to be in place.
    await sleep(100);
  }

  async submit(index: number, waitSeconds = 0): Promise<SubmitResult> {
    const res = await this.http.request(
      'POST',
      '/jobs',
      { messages: message(index), max_tokens: 256 },
      waitSeconds > 0 ? { prefer: `wait=${waitSeconds}` } : {},
    );
    const body = asRecord(res.body);
    if (res.status !== 202 && res.status !== 200)
      return { status: res.status, error: JSON.stringify(res.body).slice(0, 300) };
    return {
      status: res.status,
      id: body.id === undefined ? undefined : String(body.id),
      outcome: res.status === 200 ? baselineOutcome(res.body) : undefined,
    };
  }

  async fetch(id: string): Promise<JobOutcome | undefined> {
    const res = await this.http.request('GET', `/jobs/${encodeURIComponent(id)}`);
    return res.status === 200 ? baselineOutcome(res.body) : undefined;
  }

  async activeJobs(): Promise<number> {
    return this.redis.llen(`${this.queuePrefix}:${this.queue}:active`);
  }

  async ledgerBackends(): Promise<number[]> {
    return [];
  }

  toggleProfiler(): void {
    for (const p of this.processes) p.signal('SIGUSR2');
  }

  private get http(): HttpClient {
    if (!this.client) throw new Error('baseline target not started');
    return this.client;
  }

  /** Once, however often called (see SwitchyardTarget.stop). */
  stop(): Promise<void> {
    return (this.stopping ??= this.stopOnce());
  }

  private stopping?: Promise<void>;

  private async stopOnce(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    await this.events?.close().catch(() => undefined);
    await Promise.all(this.processes.map((p) => p.stop()));
    await deleteKeys(this.redis, this.queuePrefix);
  }
}
