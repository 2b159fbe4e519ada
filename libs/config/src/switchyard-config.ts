import { ConfigError } from './config-error';
import { loadRegressionConfig, type RegressionConfig } from './regression-config';
import { loadWebhookDeliveryConfig, type WebhookDeliveryConfig } from './webhook-delivery-config';

/**
 * Process-wide settings from the environment, read once. Every variable the README documents is
 * read here and nowhere else, so the README's table and this file can be checked against each other.
 */
export interface SwitchyardConfig {
  /**
   * The variables whose names the routing table chooses (`${VAR}` in routes.yaml, a provider's
   * `api_key_env`): read through the config like every other variable, so no other library reads
   * process.env. Never logged: it holds the provider keys.
   */
  environment: Readonly<NodeJS.ProcessEnv>;
  port: number;
  /** HOST: the address the process listens on. */
  host: string;
  /** SWITCHYARD_PROVIDER: the providers a worker serves when no --provider names them. */
  workerProviders: string[];
  /** Absent: the all-in-one may start a local redis-server; split processes need it. */
  redisUrl?: string;
  /** Prefix of Switchyard's own Redis keys (job records, budgets, circuits). */
  redisPrefix: string;
  /** BullMQ key prefix; KEDA watches `<queuePrefix>:<queue>:wait`. */
  queuePrefix: string;
  routesPath: string;
  /** tenant -> API key; empty = open local-development mode */
  apiKeys: Map<string, string>;
  /**
   * SWITCHYARD_EVAL_KEYS: tenant -> API key carrying the `eval` role (may pin a job to one
   * candidate with `pin`). Authenticates as its tenant like a key of SWITCHYARD_API_KEYS.
   */
  evalApiKeys: Map<string, string>;
  /** SWITCHYARD_EVALS_CONCURRENCY: eval runs one ingress process executes at once. */
  evalsConcurrency: number;
  /** SWITCHYARD_EVAL_SCHEDULER_INTERVAL_MS: how often the router looks for due scheduled evaluations. */
  evalSchedulerIntervalMs: number;
  jobRetentionSeconds: number;
  bodyLimitBytes: number;
  databaseUrl?: string;
  /** SWITCHYARD_DB_SCHEMA: the ledger tables' schema (absent: public) */
  dbSchema?: string;
  dataDir: string;
  /** SWITCHYARD_EVALS_DIR: where the evaluation datasets live (`<dir>/<task>.jsonl`). */
  evalsDir: string;
  simulatorUrl: string;
  webhookSecret?: string;
  webhookAllowPrivate: boolean;
  alertWebhookUrl?: string;
  /** Attempts, backoff, timeouts and concurrency of webhook delivery (SWITCHYARD_WEBHOOK_*). */
  webhookDelivery: WebhookDeliveryConfig;
  /**
   * BullMQ lock of an attempt in progress (renewed while the call runs). A process that dies holds
   * its attempts this long before another takes them up, so it bounds crash recovery time.
   */
  lockDurationMs: number;
  /** How often workers look for attempts whose lock expired (their process died). */
  stalledIntervalMs: number;
  /** SWITCHYARD_TRACE_URL_TEMPLATE: a trace viewer URL with `{trace_id}`, for the console's links. */
  traceUrlTemplate?: string;
  /** A job's event stream (GET /v1/jobs/:id/events) sends a keep-alive comment after this much quiet. */
  eventsKeepAliveMs: number;
  /**
   * Longest wait for a reply on the store and queue connections: a Redis that hangs without
   * dropping the connection (frozen, black-holed) turns into a 503 this soon, not a hung request.
   */
  redisCommandTimeoutMs: number;
  /**
   * Ledger rows waiting in the Redis outbox at most (the database is down or slow); beyond this a
   * new row is refused and counted in switchyard_ledger_write_failures_total.
   */
  ledgerOutboxMaxEntries: number;
  /** The router's regression watch (SWITCHYARD_REGRESSION_*). */
  regression: RegressionConfig;
}

export { ConfigError };

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new ConfigError(`${name}: expected a non-negative number, got "${raw}"`);
  return n;
}

function positiveIntFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = intFrom(env, name, fallback);
  if (n <= 0) throw new ConfigError(`${name}: expected a positive number, got "${env[name]}"`);
  return n;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseByteSize(raw: string, name = 'size'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
  if (!m) throw new ConfigError(`${name}: expected a size such as 10mb, got "${raw}"`);
  return Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]);
}

/** `tenant=key,tenant2=key2` */
export function parseApiKeys(
  raw: string | undefined,
  variable = 'SWITCHYARD_API_KEYS',
): Map<string, string> {
  const keys = new Map<string, string>();
  if (!raw) return keys;
  for (const pair of raw.split(',')) {
    const trimmed = pair.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0 || eq === trimmed.length - 1) {
      throw new ConfigError(`${variable}: expected tenant=key pairs separated by commas`);
    }
    keys.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return keys;
}

/** A trace viewer link template: an http(s) URL naming `{trace_id}` where the id goes. */
export function parseTraceUrlTemplate(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!raw.includes('{trace_id}') || !/^https?:\/\//i.test(raw)) {
    throw new ConfigError(
      'SWITCHYARD_TRACE_URL_TEMPLATE: expected an http(s) URL containing {trace_id}, e.g. http://localhost:16686/trace/{trace_id}',
    );
  }
  return raw;
}

/** Env switch for recording prompts and responses on spans (off unless exactly "true"). */
export const TRACE_CONTENT_ENV = 'SWITCHYARD_TRACE_CONTENT';

/**
 * SWITCHYARD_TRACE_CONTENT, read at each span rather than once into SwitchyardConfig: the
 * telemetry library records spans in processes (and tests) that never load the config.
 */
export function traceContentEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[TRACE_CONTENT_ENV] === 'true';
}

/** Values of the provider keys in the environment (`*_API_KEY`), for scrubbing them from logs. */
export function apiKeyValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env).flatMap(([name, value]) =>
    value && /_API_KEY$/.test(name) ? [value] : [],
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SwitchyardConfig {
  return {
    environment: env,
    port: intFrom(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    workerProviders: (env.SWITCHYARD_PROVIDER ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.SWITCHYARD_REDIS_PREFIX || 'sy',
    queuePrefix: env.SWITCHYARD_QUEUE_PREFIX || 'bull',
    routesPath: env.SWITCHYARD_ROUTES || './routes.yaml',
    apiKeys: parseApiKeys(env.SWITCHYARD_API_KEYS),
    evalApiKeys: parseApiKeys(env.SWITCHYARD_EVAL_KEYS, 'SWITCHYARD_EVAL_KEYS'),
    evalsConcurrency: positiveIntFrom(env, 'SWITCHYARD_EVALS_CONCURRENCY', 2),
    evalSchedulerIntervalMs: positiveIntFrom(env, 'SWITCHYARD_EVAL_SCHEDULER_INTERVAL_MS', 15_000),
    jobRetentionSeconds: intFrom(env, 'SWITCHYARD_JOB_RETENTION_DAYS', 7) * 86400,
    bodyLimitBytes: parseByteSize(env.SWITCHYARD_BODY_LIMIT || '10mb', 'SWITCHYARD_BODY_LIMIT'),
    databaseUrl: env.DATABASE_URL || undefined,
    dbSchema: env.SWITCHYARD_DB_SCHEMA || undefined,
    dataDir: env.SWITCHYARD_DATA_DIR || './data',
    evalsDir: env.SWITCHYARD_EVALS_DIR || './evals',
    simulatorUrl: env.SWITCHYARD_SIMULATOR_URL || 'http://127.0.0.1:4010',
    webhookSecret: env.SWITCHYARD_WEBHOOK_SECRET || undefined,
    webhookAllowPrivate: env.SWITCHYARD_WEBHOOK_ALLOW_PRIVATE === 'true',
    alertWebhookUrl: env.SWITCHYARD_ALERT_WEBHOOK_URL || undefined,
    webhookDelivery: loadWebhookDeliveryConfig(env),
    lockDurationMs: positiveIntFrom(env, 'SWITCHYARD_LOCK_DURATION_MS', 15_000),
    stalledIntervalMs: positiveIntFrom(env, 'SWITCHYARD_STALLED_INTERVAL_MS', 5_000),
    traceUrlTemplate: parseTraceUrlTemplate(env.SWITCHYARD_TRACE_URL_TEMPLATE),
    eventsKeepAliveMs: positiveIntFrom(env, 'SWITCHYARD_EVENTS_KEEPALIVE_MS', 15_000),
    redisCommandTimeoutMs: positiveIntFrom(env, 'SWITCHYARD_REDIS_COMMAND_TIMEOUT_MS', 2_000),
    ledgerOutboxMaxEntries: positiveIntFrom(env, 'SWITCHYARD_LEDGER_OUTBOX_MAX', 100_000),
    regression: loadRegressionConfig(env),
  };
}

/** What `npm run report` needs: where the local stack listens, and the key to read it with. */
export interface ReportClientSettings {
  /** SWITCHYARD_API_KEY: the tenant key the report reads with (absent: open mode) */
  apiKey?: string;
  /** http://127.0.0.1:$PORT, the local stack `npm start` runs */
  localUrl: string;
}

export function loadReportClientSettings(
  env: NodeJS.ProcessEnv = process.env,
): ReportClientSettings {
  return {
    apiKey: env.SWITCHYARD_API_KEY || undefined,
    localUrl: `http://127.0.0.1:${intFrom(env, 'PORT', 3000)}`,
  };
}
