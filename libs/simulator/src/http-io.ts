import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireResponse } from './wire/wire-format';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyTooLargeError(`request body over ${limitBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendWire(res: ServerResponse, response: WireResponse): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': Buffer.byteLength(response.body),
  });
  res.end(response.body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendWire(res, {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
