import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** A JSON answer written straight to Node's response (a hijacked reply, an SSE route, middleware). */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Sends a JSON answer on whatever a filter was handed: Fastify's reply, or Node's response (an
 * error in middleware, or a reply a streaming route took over). A response that already started
 * cannot change its status; it ends instead.
 */
export function sendJson(
  target: FastifyReply | ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const raw = 'raw' in target ? target.raw : target;
  if (raw.headersSent) {
    if (!raw.writableEnded) raw.end();
    return;
  }
  if ('raw' in target && !target.sent) {
    void target.status(status).headers(headers).send(body);
    return;
  }
  writeJson(raw, status, body, headers);
}
