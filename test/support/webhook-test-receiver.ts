import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Whether `standardwebhooks` accepted the signature with the receiver's secret. */
  verified: boolean;
}

/** What to do with one request: answer with a status, or never answer (to force a timeout). */
export type ReceiverAnswer = number | { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1:<random port>. Each path has a script of answers consumed in
 * order (the last one repeats); every request is recorded with its raw body and whether the
 * signature verifies with the standardwebhooks package, exactly as a customer's receiver would.
 */
export class WebhookTestReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly scripts = new Map<string, ReceiverAnswer[]>();
  private readonly hung = new Set<ServerResponse>();
  private readonly server: Server;
  private readonly verifier: Webhook;
  port = 0;

  constructor(secret: string) {
    this.verifier = new Webhook(secret);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let verified = false;
        try {
          this.verifier.verify(rawBody, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
        const path = req.url ?? '/';
        this.received.push({
          path,
          method: req.method ?? '',
          headers: req.headers,
          rawBody,
          verified,
        });
        this.answer(path, res);
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answers for a path, in order; the last answer repeats. Default is 200. */
  script(path: string, answers: ReceiverAnswer[]): void {
    this.scripts.set(path, [...answers]);
  }

  requestsTo(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  private answer(path: string, res: ServerResponse): void {
    const script = this.scripts.get(path);
    const next: ReceiverAnswer = script && script.length ? script[0] : 200;
    if (script && script.length > 1) script.shift();
    if (next === 'hang') {
      this.hung.add(res);
      return;
    }
    const { status, headers } = typeof next === 'number' ? { status: next, headers: {} } : next;
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(`answer ${status}`);
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
