/**
 * docker-compose.yml: the whole stack on one machine. No Docker engine here, so the file is
 * parsed (anchors and merge keys resolved, as Compose does) and checked for the services, their
 * wiring (URLs pointing at services that exist, on the ports they listen on) and agreement with
 * the Dockerfile's layout and the routing table.
 */
import { existsSync } from 'node:fs';
import {
  envOf,
  finalStage,
  loadDockerfile,
  loadRoutes,
  longestTimeoutMs,
  isValidWebhookSecret,
  nodeEntry,
  parseYaml,
  readRepoFile,
  repoPath,
  sourceOfDistEntry,
  workdirOf,
} from './support/repo';
import { isObject, type Json, type JsonObject } from './support/kustomize';

type Service = JsonObject;

function asObject(value: Json | undefined, what: string): JsonObject {
  if (!isObject(value)) throw new Error(`${what}: expected a mapping`);
  return value;
}

function commandOf(service: JsonObject): string[] {
  const command = service.command;
  if (Array.isArray(command)) return command.map(String);
  if (typeof command === 'string') return command.split(/\s+/);
  return [];
}

function envMap(service: JsonObject): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (isObject(env)) for (const [k, v] of Object.entries(env)) out[k] = v === null ? '' : String(v);
  else if (Array.isArray(env)) {
    for (const item of env.map(String)) {
      const eq = item.indexOf('=');
      out[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? '' : item.slice(eq + 1);
    }
  }
  return out;
}

/** Compose durations: 1m30s, 90s, 500ms. */
function durationSeconds(value: Json | undefined): number {
  const text = String(value ?? '10s');
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)) {
    const n = Number(m[1]);
    total += { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 }[m[2] as 'h'] * n;
  }
  return total;
}

/** Port a service's container listens on for the given in-network URL. */
function urlTarget(url: string): { host: string; port: number } {
  const u = new URL(url);
  const port = u.port
    ? Number(u.port)
    : ({ 'redis:': 6379, 'postgres:': 5432, 'http:': 80 }[u.protocol] ?? 0);
  return { host: u.hostname, port };
}

describe('docker-compose.yml', () => {
  const compose = asObject(parseYaml(readRepoFile('docker-compose.yml')), 'docker-compose.yml');
  const services = asObject(compose.services, 'services') as Record<string, Service>;
  const routes = loadRoutes();
  const providers = routes.providers.map((p) => p.name);
  const dockerfile = loadDockerfile();
  const runtime = finalStage(dockerfile);
  const imageEnv = envOf(dockerfile, runtime);
  const workdir = workdirOf(dockerfile, runtime);

  const appServices = Object.entries(services).filter(
    ([, s]) => isObject(s.build) || typeof s.build === 'string',
  );
  const processServices = appServices.filter(
    ([name]) => name !== 'routes-check' && name !== 'provider-sim',
  );

  it('names the infrastructure, every Switchyard process and one worker per provider in routes.yaml', () => {
    const expected = [
      'redis',
      'postgres',
      'otel-collector',
      'jaeger',
      'ingress',
      'router',
      'dispatcher',
      'provider-sim',
      ...providers.map((p) => `worker-${p}`),
    ];
    expect(Object.keys(services)).toEqual(expect.arrayContaining(expected));
    const workers = Object.keys(services).filter((n) => n.startsWith('worker-'));
    expect(workers.sort()).toEqual(providers.map((p) => `worker-${p}`).sort());
  });

  it('shares the Switchyard service config through x- extension fields and merge keys', () => {
    const extensions = Object.keys(compose).filter((k) => k.startsWith('x-'));
    expect(extensions.length).toBeGreaterThan(0);
    const raw = readRepoFile('docker-compose.yml');
    expect(raw).toMatch(/<<: \*/);
    // After merging, every app service carries the shared config.
    const images = new Set(appServices.map(([, s]) => String(s.image)));
    expect(images.size).toBe(1);
    for (const [name, service] of appServices) {
      const build = service.build;
      const context = isObject(build) ? build.context : build;
      expect({ name, context }).toEqual({ name, context: '.' });
    }
  });

  it('starts each process with a command from the Dockerfile layout whose source exists', () => {
    const expectedEntry: Record<string, string> = {
      ingress: 'dist/apps/ingress/src/main.js',
      router: 'dist/apps/router/src/main.js',
      dispatcher: 'dist/apps/dispatcher/src/main.js',
      'provider-sim': 'dist/apps/provider-sim/src/main.js',
      'routes-check': 'dist/apps/cli/src/routes-check.js',
      ...Object.fromEntries(providers.map((p) => [`worker-${p}`, 'dist/apps/worker/src/main.js'])),
    };
    for (const [name, entry] of Object.entries(expectedEntry)) {
      const service = services[name];
      expect({ name, defined: !!service }).toEqual({ name, defined: true });
      expect({ name, entry: nodeEntry(commandOf(service)) }).toEqual({ name, entry });
      expect(workdir).toBe('/app'); // relative entry paths resolve against the image's WORKDIR
      const source = sourceOfDistEntry(entry) as string;
      expect({ name, source, exists: existsSync(repoPath(source)) }).toEqual({
        name,
        source,
        exists: true,
      });
    }
  });

  it('runs each worker for its own provider (argument and SWITCHYARD_PROVIDER agree)', () => {
    for (const provider of providers) {
      const service = services[`worker-${provider}`];
      const command = commandOf(service);
      const i = command.indexOf('--provider');
      expect(i).toBeGreaterThan(0);
      expect(command[i + 1]).toBe(provider);
      expect(envMap(service).SWITCHYARD_PROVIDER).toBe(provider);
    }
  });

  it('gives workers a stop grace period longer than the longest provider timeout', () => {
    const longest = longestTimeoutMs(routes.providers) / 1000;
    for (const [name, service] of processServices) {
      expect({ name, grace: durationSeconds(service.stop_grace_period) > longest }).toEqual({
        name,
        grace: true,
      });
    }
  });

  it('points every process at the services that exist, on the ports they listen on', () => {
    const postgres = envMap(services.postgres);
    const collector = asObject(
      parseYaml(readRepoFile('deploy', 'otel-collector.yaml')),
      'otel-collector.yaml',
    );
    const protocols = asObject(
      asObject(asObject(collector.receivers, 'receivers').otlp, 'otlp').protocols,
      'p',
    );
    const httpPort = Number(String(asObject(protocols.http, 'http').endpoint).split(':').pop());
    const simEnv = envMap(services['provider-sim']);
    for (const [name, service] of [
      ...processServices,
      ['routes-check', services['routes-check']] as const,
    ]) {
      const env = envMap(service);
      const redis = urlTarget(env.REDIS_URL);
      expect({ name, redis }).toEqual({ name, redis: { host: 'redis', port: 6379 } });
      const db = new URL(env.DATABASE_URL);
      expect({
        name,
        host: db.hostname,
        user: db.username,
        password: db.password,
        db: db.pathname,
      }).toEqual({
        name,
        host: 'postgres',
        user: postgres.POSTGRES_USER,
        password: postgres.POSTGRES_PASSWORD,
        db: `/${postgres.POSTGRES_DB}`,
      });
      expect({ name, otel: urlTarget(env.OTEL_EXPORTER_OTLP_ENDPOINT) }).toEqual({
        name,
        otel: { host: 'otel-collector', port: httpPort },
      });
      expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toMatch(/^http\//);
      expect({ name, sim: urlTarget(env.SWITCHYARD_SIMULATOR_URL) }).toEqual({
        name,
        sim: { host: 'provider-sim', port: Number(simEnv.SIM_PORT) },
      });
      expect(env.PORT ?? imageEnv.PORT).toBe('3000');
      // Provider keys named by routes.yaml are passed through (empty = simulator).
      for (const p of routes.providers)
        if (p.apiKeyEnv) expect(Object.keys(env)).toContain(p.apiKeyEnv);
      for (const key of [
        'SWITCHYARD_API_KEYS',
        'SWITCHYARD_WEBHOOK_SECRET',
        'SWITCHYARD_QUEUE_PREFIX',
      ]) {
        expect(Object.keys(env)).toContain(key);
      }
    }
  });

  it('starts the dispatcher with no keys set: the webhook secret defaults to a valid whsec_ value', () => {
    // ${VAR:-default}: what Compose uses when the variable is unset or empty.
    const raw = envMap(services.dispatcher).SWITCHYARD_WEBHOOK_SECRET;
    const m = /^\$\{SWITCHYARD_WEBHOOK_SECRET:-(.+)\}$/.exec(raw);
    expect(m).not.toBeNull();
    expect(isValidWebhookSecret((m as RegExpExecArray)[1])).toBe(true);
  });

  it('mounts routes.yaml where SWITCHYARD_ROUTES points', () => {
    for (const [name, service] of appServices.filter(([n]) => n !== 'provider-sim')) {
      const routesPath = envMap(service).SWITCHYARD_ROUTES ?? imageEnv.SWITCHYARD_ROUTES;
      const volumes = (Array.isArray(service.volumes) ? service.volumes : []).map(String);
      expect({ name, volumes }).toEqual({
        name,
        volumes: expect.arrayContaining([
          expect.stringMatching(new RegExp(`^\\./routes\\.yaml:${routesPath}(:ro)?$`)),
        ]),
      });
    }
  });

  it('puts the simulator under the `sim` profile, listening on all interfaces', () => {
    const sim = services['provider-sim'];
    expect(sim.profiles).toEqual(['sim']);
    const env = envMap(sim);
    expect(env.SIM_HOST).toBe('0.0.0.0');
    expect(env.HEALTHCHECK_URL).toBe(`http://127.0.0.1:${env.SIM_PORT}/healthz`);
    // Only services in the same profile may depend on it (otherwise `docker compose up` fails).
    for (const [name, service] of Object.entries(services)) {
      if (name === 'provider-sim' || isObject(service) === false) continue;
      const deps = service.depends_on;
      const names = Array.isArray(deps)
        ? deps.map(String)
        : isObject(deps)
          ? Object.keys(deps)
          : [];
      if (names.includes('provider-sim'))
        expect({ name, profiles: service.profiles }).toEqual({ name, profiles: ['sim'] });
    }
  });

  it('waits only on dependencies that can report what it waits for', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = isObject(service.depends_on) ? service.depends_on : {};
      for (const [dep, spec] of Object.entries(deps)) {
        expect({ name, dep, exists: dep in services }).toEqual({ name, dep, exists: true });
        const condition = isObject(spec) ? spec.condition : undefined;
        const target = services[dep];
        if (condition === 'service_healthy') {
          const hc = isObject(target.healthcheck) ? target.healthcheck : undefined;
          const hasCheck =
            (hc && !hc.disable) ||
            (!hc && (isObject(target.build) || typeof target.build === 'string'));
          expect({ name, dep, hasCheck }).toEqual({ name, dep, hasCheck: true });
        }
        if (condition === 'service_completed_successfully') {
          expect({ dep, restart: target.restart }).toEqual({ dep, restart: 'no' });
        }
      }
    }
    // The app processes wait for healthy Redis and PostgreSQL.
    for (const [name, service] of processServices) {
      const deps = asObject(service.depends_on, `${name}.depends_on`);
      expect(asObject(deps.redis, 'redis').condition).toBe('service_healthy');
      expect(asObject(deps.postgres, 'postgres').condition).toBe('service_healthy');
    }
  });

  it('health-checks every Switchyard process with the image script', () => {
    for (const [name, service] of appServices.filter(([n]) => n !== 'routes-check')) {
      const hc = asObject(service.healthcheck, `${name}.healthcheck`);
      expect(hc.test).toEqual(['CMD', 'node', '/app/deploy/healthcheck.js']);
    }
  });

  it('runs Redis with AOF persistence on a volume and PostgreSQL on a volume with a healthcheck', () => {
    const volumes = asObject(compose.volumes, 'volumes');
    const redis = services.redis;
    const redisCommand = commandOf(redis).join(' ');
    expect(redisCommand).toMatch(/--appendonly yes/);
    expect(redisCommand).toMatch(/--maxmemory-policy noeviction/);
    const redisVolume = (redis.volumes as string[]).find((v) => v.endsWith(':/data'));
    expect(redisVolume && Object.keys(volumes)).toContain(redisVolume?.split(':')[0]);
    expect(redis.healthcheck).toBeDefined();

    const pg = services.postgres;
    const pgVolume = (pg.volumes as string[]).find((v) => v.includes(':/var/lib/postgresql/data'));
    expect(pgVolume && Object.keys(volumes)).toContain(pgVolume?.split(':')[0]);
    expect(JSON.stringify(asObject(pg.healthcheck, 'pg healthcheck').test)).toContain('pg_isready');
  });

  it('publishes the API on 3000 and the Jaeger UI on 16686', () => {
    expect((services.ingress.ports as string[]).map(String)).toContain('3000:3000');
    expect((services.jaeger.ports as string[]).map(String)).toContain('16686:16686');
  });

  it('feeds the OpenTelemetry collector from deploy/otel-collector.yaml and exports traces to Jaeger over OTLP', () => {
    const collectorService = services['otel-collector'];
    const mount = (collectorService.volumes as string[]).find((v) =>
      v.startsWith('./deploy/otel-collector.yaml:'),
    );
    expect(mount).toBeDefined();
    const mountedAt = mount?.split(':')[1];
    expect(commandOf(collectorService).join(' ')).toContain(`--config=${mountedAt}`);

    const config = asObject(
      parseYaml(readRepoFile('deploy', 'otel-collector.yaml')),
      'otel-collector.yaml',
    );
    const service = asObject(config.service, 'service');
    const traces = asObject(asObject(service.pipelines, 'pipelines').traces, 'traces');
    const defined = (section: string) => Object.keys(asObject(config[section], section));
    for (const [section, key] of [
      ['receivers', 'receivers'],
      ['processors', 'processors'],
      ['exporters', 'exporters'],
    ] as const) {
      for (const component of traces[key] as string[])
        expect(defined(section)).toContain(component);
    }
    expect(traces.receivers).toContain('otlp');
    const exporterName = (traces.exporters as string[]).find(
      (e) => e === 'otlp' || e.startsWith('otlp/'),
    );
    expect(exporterName).toBeDefined();
    const exporter = asObject(
      asObject(config.exporters, 'exporters')[exporterName as string],
      'exporter',
    );
    const [host, port] = String(exporter.endpoint).split(':');
    expect(host).toBe('jaeger');
    expect(port).toBe('4317');
    expect(String(services.jaeger.image)).toMatch(/^jaegertracing\/all-in-one:/);
    for (const ext of (service.extensions as string[] | undefined) ?? [])
      expect(defined('extensions')).toContain(ext);
  });
});
