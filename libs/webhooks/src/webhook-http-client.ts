import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { WebhookAddressRefusedError } from './webhook-address-refused-error';
import { WebhookHttpError } from './webhook-http-error';
import { assertDeliverableUrl, createGuardedLookup } from './webhook-url-guard';

export interface WebhookHttpRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Whole attempt budget: DNS, connect, TLS, response headers and the capped body read. */
  timeoutMs: number;
  /**
   * Of that budget, how long getting connected (DNS and the TCP handshake) may take: a receiver
   * that never accepts the connection gives up its dispatcher slot this soon. Default: timeoutMs.
   */
  connectTimeoutMs?: number;
  allowPrivate: boolean;
  /** Response bytes read before the connection is dropped; the body is never stored. */
  maxResponseBytes?: number;
}

export interface WebhookHttpResponse {
  status: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 4096;

/**
 * One POST, no redirects followed (node's http never follows them; a 3xx is just a status), on a
 * fresh connection whose DNS answer goes through the SSRF guard. Resolves with the status of any
 * answer; rejects with WebhookAddressRefusedError (do not retry) or WebhookHttpError (retry).
 */
export function postWebhook(req: WebhookHttpRequest): Promise<WebhookHttpResponse> {
  // Literal-IP hosts never reach a lookup hook, so they are checked here.
  try {
    assertDeliverableUrl(req.url, { allowPrivate: req.allowPrivate });
  } catch (err) {
    return Promise.reject(err);
  }
  const url = new URL(req.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const maxBytes = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const body = Buffer.from(req.body, 'utf8');

  return new Promise<WebhookHttpResponse>((resolve, reject) => {
    let settled = false;
    let status: number | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(connectTimer);
      if (status !== undefined) resolve({ status });
      else
        reject(error ?? new WebhookHttpError('connection', 'connection closed without a response'));
    };

    const request = send(
      url,
      {
        method: 'POST',
        headers: {
          ...req.headers,
          'content-type': 'application/json',
          'content-length': String(body.length),
        },
        // A fresh connection per attempt: a pooled socket would skip the connect-time address check.
        agent: false,
        lookup: createGuardedLookup({ allowPrivate: req.allowPrivate }),
      },
      (res: IncomingMessage) => {
        status = res.statusCode ?? 0;
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received >= maxBytes) {
            finish();
            res.destroy();
          }
        });
        res.on('end', () => finish());
        res.on('error', () => finish());
        res.on('close', () => finish());
      },
    );

    const connectTimeoutMs = Math.min(req.connectTimeoutMs ?? req.timeoutMs, req.timeoutMs);
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(
        () =>
          request.destroy(
            new WebhookHttpError('timeout', `no connection within ${connectTimeoutMs} ms`),
          ),
        connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });

    const timer = setTimeout(() => {
      // With a status in hand the receiver has answered; a stalled body does not undo that.
      if (status !== undefined) {
        finish();
        request.destroy();
        return;
      }
      request.destroy(new WebhookHttpError('timeout', `timed out after ${req.timeoutMs} ms`));
    }, req.timeoutMs);

    request.on('error', (err: Error) => {
      if (err instanceof WebhookAddressRefusedError || err instanceof WebhookHttpError) {
        finish(err);
        return;
      }
      const code = (err as NodeJS.ErrnoException).code;
      finish(
        new WebhookHttpError(
          'connection',
          code ? `connection failed: ${code}` : 'connection failed',
        ),
      );
    });
    request.end(body);
  });
}
