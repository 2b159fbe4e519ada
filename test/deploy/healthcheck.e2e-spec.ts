/**
 * deploy/docker/healthcheck.js is the image's HEALTHCHECK (and compose's): run it for real
 * against a local HTTP server and check its exit code.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { repoPath } from './support/repo';

const SCRIPT = repoPath('deploy', 'docker', 'healthcheck.js');

function runHealthcheck(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('deploy/docker/healthcheck.js', () => {
  let server: Server;
  let port: number;
  const requests: string[] = [];
  let status = 200;
  let hang = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (hang) return; // never answers
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    requests.length = 0;
    status = 200;
    hang = false;
  });

  it('exits 0 when GET /healthz on $PORT answers 200', async () => {
    const result = await runHealthcheck({ PORT: String(port) });
    expect(result.code).toBe(0);
    expect(requests).toEqual(['/healthz']);
  });

  it('exits 1 on a non-2xx answer', async () => {
    status = 503;
    const result = await runHealthcheck({ PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 503');
  });

  it('exits 1 when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await runHealthcheck({ PORT: String(freePort) });
    expect(result.code).toBe(1);
  });

  it('exits 1 when the server does not answer in time', async () => {
    hang = true;
    const started = Date.now();
    const result = await runHealthcheck({ PORT: String(port), HEALTHCHECK_TIMEOUT_MS: '300' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no answer');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('probes HEALTHCHECK_URL instead when set (the simulator on SIM_PORT)', async () => {
    const result = await runHealthcheck({
      PORT: '1',
      HEALTHCHECK_URL: `http://127.0.0.1:${port}/healthz?from=sim`,
    });
    expect(result.code).toBe(0);
    expect(requests).toEqual(['/healthz?from=sim']);
  });
});
