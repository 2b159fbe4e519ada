import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin-api';
import { BodyTooLargeError, readBody, sendJson } from './http-io';
import { PendingCalls } from './pending-calls';
import { handleProviderCall } from './provider-call-handler';
import { matchProviderRoute } from './provider-route';
import type { RecordedRequest } from './request-log';
import type { FaultRule, ScenarioFile } from './scenario-types';
import { parseFaultRule, parseFaultRules, parseScenario } from './scenario-validation';
import type { StatsSnapshot } from './simulator-stats';
import { SimulatorState } from './simulator-state';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1; 0.0.0.0 in containers. */
  host?: string;
  scenario?: ScenarioFile;
  /** Largest request body accepted (images travel inline). Default 32 MiB. */
  bodyLimitBytes?: number;
}

/** A running simulator, with the admin API's operations also available in-process for tests. */
export interface RunningSimulator {
  /** http://host:port, without a trailing slash. */
  url: string;
  port: number;
  host: string;
  state: SimulatorState;
  /** `${url}/p/${provider}`, the base for one routing-table provider (add /v1 for OpenAI kinds). */
  providerUrl(provider: string): string;
  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  stats(): StatsSnapshot;
  resetStats(): void;
  requests(provider?: string): RecordedRequest[];
  /** Back to the start scenario, with empty stats and request log. */
  reset(): void;
  /** Calls held open right now (delayed, hung or stalled streams) whose client is still there. */
  heldCalls(): number;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = new SimulatorState(parseScenario(options.scenario ?? {}));
  const pending = new PendingCalls();
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    let rawBody: string;
    try {
      rawBody = await readBody(req, bodyLimit);
    } catch (err) {
      if (err instanceof BodyTooLargeError) sendJson(res, 413, { error: { message: err.message } });
      return;
    }
    if (url.pathname === '/healthz' || url.pathname.startsWith('/admin/')) {
      if (!handleAdmin(state, req, res, url, rawBody))
        sendJson(res, 404, { error: { message: 'no such admin route' } });
      return;
    }
    const route = matchProviderRoute(url.pathname);
    if (!route) {
      sendJson(res, 404, { error: { message: `no simulated API at ${url.pathname}` } });
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: { message: 'use POST' } });
      return;
    }
    handleProviderCall(state, pending, route, req, res, url, rawBody);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      sendJson(res, 500, { error: { message: `simulator bug: ${(err as Error).message}` } });
    });
  });
  // Benchmarks reuse connections; outlive typical client pools' idle timeouts.
  server.keepAliveTimeout = 65_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;

  return {
    url,
    port,
    host,
    state,
    providerUrl: (provider) => `${url}/p/${encodeURIComponent(provider)}`,
    setFaults: (rules) => {
      state.faults.replace(parseFaultRules(rules));
      state.counter.reset();
    },
    addFault: (rule) => state.faults.upsert(parseFaultRule(rule)),
    clearFaults: () => {
      state.faults.remove();
      state.counter.reset();
    },
    stats: () => state.stats.snapshot(),
    resetStats: () => state.stats.reset(),
    requests: (provider) => state.requests.list(provider),
    reset: () => state.reset(),
    heldCalls: () => pending.size,
    close: () =>
      new Promise<void>((resolve, reject) => {
        pending.closeAll();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
