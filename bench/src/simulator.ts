import { BenchProcess, freePort } from './processes';

export interface FaultRule {
  provider?: string;
  model?: string;
  latency_ms?: number;
  jitter_ms?: number;
  error_rate?: number;
  status?: number;
}

/** The provider simulator as a process of its own (the far end of every SDK call). */
export class SimulatorProcess {
  readonly process: BenchProcess;
  readonly url: string;

  private constructor(process: BenchProcess, url: string) {
    this.process = process;
    this.url = url;
  }

  static async start(nodeArgs: string[] = []): Promise<SimulatorProcess> {
    const port = await freePort();
    const proc = new BenchProcess(
      'provider-sim',
      'apps/provider-sim/src/main.js',
      ['--port', String(port), '--host', '127.0.0.1'],
      { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
      port,
      nodeArgs,
    ).start();
    await proc.waitForHttp('/healthz');
    return new SimulatorProcess(proc, `http://127.0.0.1:${port}`);
  }

  private async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Replaces every fault rule (PUT /admin/faults). */
  async setFaults(rules: FaultRule[]): Promise<void> {
    await this.admin('PUT', '/admin/faults', { faults: rules });
  }

  async resetStats(): Promise<void> {
    await this.admin('POST', '/admin/stats/reset');
  }

  async stats(): Promise<unknown> {
    return this.admin('GET', '/admin/stats');
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}

/** Latency rules for the given routing-table provider names (none when the latency is 0). */
export function latencyRules(
  providers: string[],
  latencyMs: number,
  jitterMs: number,
): FaultRule[] {
  if (latencyMs <= 0 && jitterMs <= 0) return [];
  return providers.map((provider) => ({
    provider,
    ...(latencyMs > 0 ? { latency_ms: latencyMs } : {}),
    ...(jitterMs > 0 ? { jitter_ms: jitterMs } : {}),
  }));
}
