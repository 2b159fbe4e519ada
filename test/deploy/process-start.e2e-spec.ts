import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ManagedProcess, createTestRedis, freePort, type TestRedis } from '@switchyard/testing';
import { isObject } from './support/kustomize';
import { loadDockerfile, finalStage, parseYaml, readRepoFile, repoPath } from './support/repo';

/** The image runs from /app; here the repository root plays that part. */
function localArgs(command: string[]): string[] {
  return command.map((arg) => arg.replace(/^\/app\//, `${repoPath()}/`));
}

function composeCommands(): Map<string, string[]> {
  const compose = parseYaml(readRepoFile('docker-compose.yml'));
  if (!isObject(compose) || !isObject(compose.services))
    throw new Error('no services in docker-compose.yml');
  const commands = new Map<string, string[]>();
  for (const [name, service] of Object.entries(compose.services)) {
    if (isObject(service) && Array.isArray(service.command) && service.command[0] === 'node') {
      commands.set(name, service.command.map(String));
    }
  }
  return commands;
}

function dockerfileCmd(): string[] {
  const cmd = finalStage(loadDockerfile())
    .instructions.filter((i) => i.keyword === 'CMD')
    .pop();
  if (!cmd) throw new Error('Dockerfile has no CMD');
  return JSON.parse(cmd.args) as string[];
}

describe('every process starts from the command the Dockerfile and docker-compose.yml use', () => {
  let redis: TestRedis;
  let dataDir: string;
  const started: ManagedProcess[] = [];

  beforeAll(() => {
    redis = createTestRedis('deploy');
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-deploy-'));
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop('SIGTERM')));
    rmSync(dataDir, { recursive: true, force: true });
    await redis.cleanup();
  });

  async function startFrom(
    name: string,
    command: string[],
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<ManagedProcess> {
    const [, entry, ...args] = localArgs(command);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      SIM_PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      SWITCHYARD_REDIS_PREFIX: redis.prefix,
      SWITCHYARD_QUEUE_PREFIX: redis.queuePrefix,
      SWITCHYARD_ROUTES: repoPath('routes.yaml'),
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      OTEL_TRACES_EXPORTER: 'none',
      ...extraEnv,
    };
    const proc = new ManagedProcess(name, entry.replace(/^dist\//, ''), args, env, port).start();
    started.push(proc);
    return proc;
  }

  it.each(['ingress', 'router', 'dispatcher', 'worker-openai', 'provider-sim'])(
    '%s answers /healthz (and /readyz) when started with its compose command',
    async (service) => {
      const command = composeCommands().get(service);
      expect(command).toBeDefined();
      const proc = await startFrom(service, command!);
      await proc.waitForHttp('/healthz', 60_000);
      if (service !== 'provider-sim') await proc.waitForHttp('/readyz', 30_000);
      await proc.stop('SIGTERM');
      // A clean SIGTERM exit, as Kubernetes and compose expect.
      expect(proc.exitSignal === 'SIGTERM' || proc.exitCode === 0).toBe(true);
    },
  );

  it("the image's default command (the all-in-one) serves the API and runs a job against the bundled simulator", async () => {
    const simPort = await freePort();
    const proc = await startFrom('all-in-one', dockerfileCmd(), {
      SWITCHYARD_SIMULATOR_URL: `http://127.0.0.1:${simPort}`,
    });
    await proc.waitForHttp('/readyz', 60_000);
    const res = await fetch(`http://127.0.0.1:${proc.port}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=20' },
      body: JSON.stringify({ task: 'chat', messages: [{ role: 'user', content: 'ping' }] }),
    });
    const job = (await res.json()) as { status: string; result: { text: string } };
    expect(res.status).toBe(200);
    expect(job.status).toBe('succeeded');
    expect(job.result.text).toBe('echo: ping');
    expect(proc.logs()).toMatch(/bundled provider simulator/);
    await proc.stop('SIGTERM');
  });

  it('the routes-check command accepts the shipped routes.yaml', () => {
    const command = localArgs(composeCommands().get('routes-check') ?? []);
    expect(command[0]).toBe('node');
    const run = spawnSync(process.execPath, command.slice(1), {
      cwd: repoPath(),
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/0 errors/);
  });
});
