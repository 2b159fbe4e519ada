import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { SwitchyardStack, TENANT_KEYS } from '@switchyard/testing';

/** Resident set of a process, from /proc (Linux), in MiB. */
function rssMiB(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for ${pid}`);
  return Number(line[1]) / 1024;
}

/** A ~10 KB schema no other request sends: property names carry the seed. */
function largeSchema(seed: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < 80; i++) {
    properties[`field_${seed}_${i}`] = {
      type: 'string',
      description: `field ${i} of schema ${seed}, described at some length`,
      maxLength: 100 + i,
      pattern: `^[a-z]{0,${i + 1}}$`,
    };
  }
  return { type: 'object', properties, required: Object.keys(properties).slice(0, 10) };
}

function jobBody(schema: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    task: 'extraction',
    messages: [{ role: 'user', content: 'soak' }],
    response_format: { type: 'json_schema', schema },
    ...extra,
  });
}

/** POST /v1/jobs over a keep-alive loopback connection (fetch costs the client more than the server). */
function post(
  baseUrl: string,
  agent: Agent,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/v1/jobs`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${TENANT_KEYS.acme}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const PER_KIND = 5000;
const CONCURRENCY = 16;

describe('ingress memory and CPU under a flood of large distinct schemas (loopback soak)', () => {
  let stack: SwitchyardStack;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  beforeAll(async () => {
    // Ingress and router only: accepted jobs stay queued, so the ingress is what is measured.
    stack = await SwitchyardStack.start({ providers: [] });
  });

  afterAll(async () => {
    agent.destroy();
    await stack?.stop();
  });

  it(`returns near its starting RSS after ${PER_KIND} rejected and ${PER_KIND} accepted jobs`, async () => {
    const pid = stack.process('ingress').pid as number;
    // Loosening the task budget is refused after the schema is checked.
    const body = (seed: number) =>
      jobBody(largeSchema(seed), seed % 2 === 0 ? { budget: { max_cost_usd: 5 } } : {});
    expect(body(1).length).toBeGreaterThan(9000);

    const statuses = new Map<number, number>();
    const run = async (from: number, count: number) => {
      let next = from;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < from + count) {
            const res = await post(stack.baseUrl, agent, body(next++));
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          }
        }),
      );
    };

    await run(1_000_000, 400); // warm-up: JIT, pools, first allocations
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssMiB(pid);
    statuses.clear();
    const started = Date.now();
    await run(0, 2 * PER_KIND);
    const elapsedS = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const after = rssMiB(pid);
    process.stdout.write(
      `soak: ${2 * PER_KIND} jobs in ${elapsedS.toFixed(1)} s; ingress RSS ${before.toFixed(0)} MiB before, ${after.toFixed(0)} MiB after\n`,
    );

    expect(Object.fromEntries(statuses)).toEqual({ 202: PER_KIND, 400: PER_KIND });
    // Compiling every schema grew RSS by about 450 KB per request (GBs here); checking shapes
    // keeps nothing per request.
    expect(after - before).toBeLessThan(150);
    expect(stack.process('ingress').running).toBe(true);
  }, 150_000);

  it('refuses the pattern past the 100th in one schema with 400 naming it', async () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 101; i++) properties[`p${i}`] = { type: 'string', pattern: `^c${i}$` };
    const res = await post(stack.baseUrl, agent, jobBody({ type: 'object', properties }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.details).toEqual([
      {
        field: 'response_format.schema.properties.p100.pattern',
        problem: expect.stringMatching(/at most 100 patterns/),
      },
    ]);
  });

  it('bounds the time one schema of costly patterns takes to check', async () => {
    // Nested counted repetition: ~3.5 ms of RE2 compiling each when warm (more when not), so the
    // 100 of them take over three times the 100 ms budget unbounded.
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      properties[`p${i}`] = { type: 'string', pattern: `^(\\p{L}{30}\\d{30}){30}x${i}$` };
    }
    const started = Date.now();
    const res = await post(stack.baseUrl, agent, jobBody({ type: 'object', properties }));
    const elapsedMs = Date.now() - started;
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.details[0]).toEqual({
      field: expect.stringMatching(/^response_format\.schema\.properties\.p\d+\.pattern$/),
      problem: expect.stringMatching(/took more than 100 ms to check/),
    });
    expect(elapsedMs).toBeLessThan(800);
  });
});
