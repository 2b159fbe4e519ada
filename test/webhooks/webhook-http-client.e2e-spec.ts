import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook, WebhookAddressRefusedError, WebhookHttpError } from '@switchyard/webhooks';

/** One POST against real local sockets: statuses, timeouts, caps and the connect-time guard. */
describe('postWebhook (e2e)', () => {
  let server: Server;
  let port: number;
  const hanging = new Set<ServerResponse>();
  let bytesSentByHuge = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/hang') {
          hanging.add(res);
          return;
        }
        if (req.url === '/huge') {
          // Streams far more than the client's cap; the client must stop reading early.
          res.writeHead(200, { 'content-type': 'text/plain' });
          const chunk = Buffer.alloc(64 * 1024, 'x');
          const pump = (): void => {
            while (bytesSentByHuge < 64 * 1024 * 1024) {
              bytesSentByHuge += chunk.length;
              if (!res.write(chunk)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          res.on('close', () => undefined);
          pump();
          return;
        }
        if (req.url === '/stall-body') {
          res.writeHead(202);
          res.write('partial');
          hanging.add(res);
          return;
        }
        const status = Number(req.url?.slice(1)) || 200;
        res.writeHead(status, status === 302 ? { location: '/200' } : {});
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (path: string, overrides: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
    postWebhook({
      url: `http://127.0.0.1:${port}${path}`,
      body: '{"type":"job.succeeded"}',
      headers: {},
      timeoutMs: 2000,
      allowPrivate: true,
      ...overrides,
    });

  it.each([200, 204, 302, 404, 410, 500, 503])('returns status %i as is', async (status) => {
    await expect(post(`/${status}`)).resolves.toEqual({ status });
  });

  it('times out a receiver that never answers', async () => {
    const err = await post('/hang', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookHttpError);
    expect((err as WebhookHttpError).kind).toBe('timeout');
  });

  it('keeps the status when only the body stalls', async () => {
    await expect(post('/stall-body', { timeoutMs: 300 })).resolves.toEqual({ status: 202 });
  });

  it('stops reading a large response body at the cap', async () => {
    await expect(post('/huge', { maxResponseBytes: 1024 })).resolves.toEqual({ status: 200 });
    expect(bytesSentByHuge).toBeLessThan(64 * 1024 * 1024);
  });

  it('reports a refused connection as a retryable connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await post('/', { url: `http://127.0.0.1:${deadPort}/` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookHttpError);
    expect((err as WebhookHttpError).kind).toBe('connection');
  });

  it('refuses loopback at connect time for a host name, before any request', async () => {
    const err = await post('/', {
      url: `http://localhost:${port}/200`,
      allowPrivate: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookAddressRefusedError);
  });

  it('refuses literal private IPs, which never reach a DNS lookup', async () => {
    for (const url of [`http://127.0.0.1:${port}/200`, `http://[::ffff:7f00:1]:${port}/200`]) {
      const err = await post('/', { url, allowPrivate: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WebhookAddressRefusedError);
    }
  });

  it('connects through the guarded lookup when the address is allowed', async () => {
    await expect(post('/', { url: `http://localhost:${port}/201` })).resolves.toEqual({
      status: 201,
    });
  });
});
