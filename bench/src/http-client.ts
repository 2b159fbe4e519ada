import { Pool } from 'undici';

export interface HttpResult {
  status: number;
  body: unknown;
}

/** Keep-alive JSON client for one origin (undici pool), as a real API client would use. */
export class HttpClient {
  private readonly pool: Pool;

  constructor(
    readonly origin: string,
    private readonly headers: Record<string, string> = {},
    connections = 256,
  ) {
    this.pool = new Pool(origin, { connections, keepAliveTimeout: 60_000 });
  }

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 60_000,
  ): Promise<HttpResult> {
    const res = await this.pool.request({
      method,
      path,
      headers: {
        ...this.headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    return { status: res.statusCode, body: parsed };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/**
 * Completion notices arrive on a channel of their own, possibly before the submitting request has
 * even returned the job's id; both orders resolve the waiter with the arrival time.
 */
export class CompletionWaiter {
  private readonly waiting = new Map<string, (at: number) => void>();
  private readonly early = new Map<string, number>();

  notify(id: string): void {
    const at = performance.now();
    const wake = this.waiting.get(id);
    if (wake) {
      this.waiting.delete(id);
      wake(at);
    } else {
      this.early.set(id, at);
    }
  }

  /** Resolves with the performance.now() of the notice, or undefined after timeoutMs. */
  wait(id: string, timeoutMs: number): Promise<number | undefined> {
    const early = this.early.get(id);
    if (early !== undefined) {
      this.early.delete(id);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(id, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  clear(): void {
    this.early.clear();
  }
}
