import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { startSimulator, type RunningSimulator } from '@switchyard/simulator';
import { ManagedProcess, REPO_ROOT, freePort } from './managed-process';
import { createTestRedis, type TestRedis } from './test-redis';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const E2E_ROUTES = resolve(REPO_ROOT, 'test/fixtures/routes.e2e.yaml');

export interface StackOptions {
  /** Provider worker processes to start (one process each); default all four of the e2e table */
  providers?: string[];
  /** `tenant=key,...`; default two tenants, acme and globex */
  apiKeys?: string;
  /** Extra environment for every process */
  env?: Record<string, string>;
  /** Record calls in PostgreSQL under a schema of this stack's own */
  ledger?: boolean;
  dispatcher?: boolean;
  routes?: string;
  /** Redis for this stack (e.g. a private redis-server a suite stops and restarts); default the machine's */
  redisUrl?: string;
}

export const TENANT_KEYS = { acme: 'sk-acme-test-key-1', globex: 'sk-globex-test-key-2' };

export interface JobBody {
  task: string;
  // Tool messages and assistant tool calls carry more than role and content (content may be absent).
  messages: Array<{ role: string; content?: unknown; [field: string]: unknown }>;
  [field: string]: unknown;
}

/**
 * The real thing, as separate processes: ingress, router, one worker process per provider (and
 * the webhook dispatcher), on the machine's Redis under this stack's own key prefixes, with the
 * provider simulator as the far end of every SDK call.
 */
export class SwitchyardStack {
  readonly processes = new Map<string, ManagedProcess>();
  baseUrl = '';
  schema?: string;
  /** The `whsec_…` secret the stack's dispatcher signs with, for receivers to verify. */
  webhookSecret = '';

  private constructor(
    readonly redis: TestRedis,
    readonly sim: RunningSimulator,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(options: StackOptions = {}): Promise<SwitchyardStack> {
    const redis = createTestRedis('e2e', options.redisUrl);
    const sim = await startSimulator({ port: 0 });
    const apiKeys =
      options.apiKeys ??
      Object.entries(TENANT_KEYS)
        .map(([t, k]) => `${t}=${k}`)
        .join(',');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      REDIS_URL: redis.url,
      SWITCHYARD_REDIS_PREFIX: redis.prefix,
      SWITCHYARD_QUEUE_PREFIX: redis.queuePrefix,
      SWITCHYARD_ROUTES: options.routes ?? E2E_ROUTES,
      SWITCHYARD_SIMULATOR_URL: sim.url,
      SWITCHYARD_API_KEYS: apiKeys,
      SWITCHYARD_STALLED_INTERVAL_MS: '1000',
      SWITCHYARD_WEBHOOK_ALLOW_PRIVATE: 'true',
      SWITCHYARD_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
      SWITCHYARD_WEBHOOK_BACKOFF_BASE_MS: '100',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      ...options.env,
    };
    const stack = new SwitchyardStack(redis, sim, env);
    stack.webhookSecret = env.SWITCHYARD_WEBHOOK_SECRET as string;
    if (options.ledger) {
      stack.schema = `sy_e2e_${randomBytes(4).toString('hex')}`;
      env.DATABASE_URL = TEST_DATABASE_URL;
      env.SWITCHYARD_DB_SCHEMA = stack.schema;
    }
    try {
      const ingressPort = await freePort();
      stack.baseUrl = `http://127.0.0.1:${ingressPort}`;
      await stack.spawn('ingress', 'apps/ingress/src/main.js', [], ingressPort);
      await stack.spawn('router', 'apps/router/src/main.js', []);
      for (const provider of options.providers ?? ['openai', 'anthropic', 'google', 'groq']) {
        await stack.spawn(`worker-${provider}`, 'apps/worker/src/main.js', [
          '--provider',
          provider,
        ]);
      }
      if (options.dispatcher) await stack.spawn('dispatcher', 'apps/dispatcher/src/main.js', []);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  async spawn(name: string, entry: string, args: string[], port?: number): Promise<ManagedProcess> {
    const p = port ?? (await freePort());
    const proc = new ManagedProcess(name, entry, args, { ...this.env, PORT: String(p) }, p).start();
    this.processes.set(name, proc);
    await proc.waitForHttp('/readyz');
    return proc;
  }

  process(name: string): ManagedProcess {
    const p = this.processes.get(name);
    if (!p) throw new Error(`no process ${name}`);
    return p;
  }

  /** Restarts a process that was stopped or killed, with the same port and environment. */
  async restart(name: string): Promise<void> {
    const proc = this.process(name);
    await proc.stop('SIGKILL');
    proc.start();
    await proc.waitForHttp('/readyz');
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    tenant: keyof typeof TENANT_KEYS | null = 'acme',
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(tenant ? { authorization: `Bearer ${TENANT_KEYS[tenant]}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  submit(
    body: JobBody,
    headers: Record<string, string> = {},
    tenant: keyof typeof TENANT_KEYS = 'acme',
  ) {
    return this.request('POST', '/v1/jobs', body, headers, tenant);
  }

  /** Polls GET /v1/jobs/:id until the job ends; fails the test with the processes' logs if it never does. */
  async waitForJob(
    id: string,
    timeoutMs = 30_000,
    tenant: keyof typeof TENANT_KEYS = 'acme',
  ): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const res = await this.request('GET', `/v1/jobs/${id}`, undefined, {}, tenant);
      last = res.body;
      if (res.status === 200 && ['succeeded', 'failed', 'cancelled'].includes(res.body.status))
        return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${id} did not finish: ${JSON.stringify(last)}\n${this.logs()}`);
  }

  logs(): string {
    return [...this.processes.values()]
      .map((p) => `--- ${p.name}\n${p.logs().slice(-4000)}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop('SIGTERM')));
    await this.sim.close();
    if (this.schema) {
      const pg = new Client({ connectionString: TEST_DATABASE_URL });
      await pg.connect();
      await pg.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
      await pg.end();
    }
    await this.redis.cleanup();
  }
}
