import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { postWebhook } from './webhook-http-client';
import { WebhookHttpError } from './webhook-http-error';

/**
 * A receiver that never accepts the TCP connection: a listener with a backlog of one in a process
 * that is stopped (SIGSTOP), its accept queue filled by two connections nobody accepts. Linux then
 * drops further SYNs, so a new connection stays "connecting", as with a black-holed host.
 */
async function unacceptingReceiver(): Promise<{ port: number; close(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('net').createServer(() => {});
       s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', () => reject(new Error('listener exited')));
  });
  process.kill(child.pid as number, 'SIGSTOP');
  const fillers: Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    fillers.push(s);
  }
  await new Promise((r) => setTimeout(r, 200));
  return {
    port,
    async close() {
      for (const s of fillers) s.destroy();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('postWebhook connect timeout', () => {
  it('gives up on a receiver that never accepts the connection after the connect timeout, not the whole attempt timeout', async () => {
    const receiver = await unacceptingReceiver();
    try {
      const started = Date.now();
      const attempt = postWebhook({
        url: `http://127.0.0.1:${receiver.port}/hook`,
        body: '{}',
        headers: {},
        timeoutMs: 10_000,
        connectTimeoutMs: 300,
        allowPrivate: true,
      });
      await expect(attempt).rejects.toBeInstanceOf(WebhookHttpError);
      await expect(attempt).rejects.toMatchObject({
        kind: 'timeout',
        message: 'no connection within 300 ms',
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await receiver.close();
    }
  });
});
