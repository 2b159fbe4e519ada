/**
 * deploy/k8s: render the base and the overlays (test/deploy/support/kustomize.ts; compared
 * against `kubectl kustomize` in kustomize-renderer.e2e-spec.ts) and check what a cluster would
 * get: one worker Deployment and one autoscaler per provider in routes.yaml, probes on the port
 * PORT names, grace periods above the longest provider timeout, references that resolve, the
 * routing table ConfigMap equal to routes.yaml, and images and entry files that agree with the
 * Dockerfile.
 */
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  deployments,
  findObject,
  ofKind,
  quantity,
  resolveEnv,
  selectorMatches,
  dataOf,
  type Container,
  type Workload,
} from './support/k8s';
import {
  idOf,
  isObject,
  kindOf,
  loadKustomization,
  nameOf,
  namespaceOf,
  parseImage,
  referencesOf,
  renderKustomization,
  type JsonObject,
} from './support/kustomize';
import {
  finalStage,
  isValidWebhookSecret,
  loadDockerfile,
  loadRoutes,
  longestTimeoutMs,
  nodeEntry,
  parseYaml,
  repoPath,
  sourceOfDistEntry,
} from './support/repo';

const DIRS = {
  base: 'deploy/k8s/base',
  example: 'deploy/k8s/overlays/example',
  'example-no-keda': 'deploy/k8s/overlays/example-no-keda',
} as const;
type Render = keyof typeof DIRS;
const RENDERS = Object.keys(DIRS) as Render[];
/** Which worker autoscaler each render must use: never both on one Deployment. */
const SCALER: Record<Render, 'ScaledObject' | 'HorizontalPodAutoscaler'> = {
  base: 'ScaledObject',
  example: 'ScaledObject',
  'example-no-keda': 'HorizontalPodAutoscaler',
};
const APP_COMPONENTS = ['ingress', 'router', 'dispatcher', 'worker'];

const routes = loadRoutes();
const providers = routes.providers.map((p) => p.name);
const rendered: Record<Render, JsonObject[]> = {
  base: renderKustomization(repoPath(DIRS.base)),
  example: renderKustomization(repoPath(DIRS.example)),
  'example-no-keda': renderKustomization(repoPath(DIRS['example-no-keda'])),
};
const dockerfile = loadDockerfile();
const runtime = finalStage(dockerfile);

function component(d: Workload): string {
  return d.spec.template.metadata.labels['app.kubernetes.io/component'];
}

/** The Switchyard processes (the simulator is a dev add-on with its own checks). */
function appDeployments(objects: JsonObject[]): Workload[] {
  return deployments(objects).filter((d) => APP_COMPONENTS.includes(component(d)));
}

function mainContainer(d: Workload): Container {
  expect(d.spec.template.spec.containers).toHaveLength(1);
  return d.spec.template.spec.containers[0];
}

function portNumber(container: Container, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** `bull:provider-openai:wait` etc., with the queue prefix the processes are configured with. */
function queuePrefix(objects: JsonObject[], d: Workload): string {
  return (
    resolveEnv(objects, d.metadata.namespace, mainContainer(d), 'SWITCHYARD_QUEUE_PREFIX') ?? 'bull'
  );
}

describe.each(RENDERS)('kustomize render of %s', (render) => {
  const objects = rendered[render];
  const apps = appDeployments(objects);
  const workers = apps.filter((d) => component(d) === 'worker');

  it('renders the processes, the ingress Service and HPA, and the configuration', () => {
    for (const name of ['switchyard-ingress', 'switchyard-router', 'switchyard-dispatcher']) {
      expect({ name, found: !!findObject(objects, 'Deployment', name) }).toEqual({
        name,
        found: true,
      });
    }
    expect(findObject(objects, 'Service', 'switchyard-ingress')).toBeDefined();
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'switchyard-ingress')).toBeDefined();
    expect(ofKind(objects, 'ConfigMap').length).toBeGreaterThanOrEqual(2);
    expect(ofKind(objects, 'Secret').length).toBeGreaterThanOrEqual(1);
  });

  it('has exactly one worker Deployment per provider in routes.yaml, started with --provider <name>', () => {
    const byProvider = new Map(
      workers.map((d) => [d.spec.template.metadata.labels['switchyard.dev/provider'], d]),
    );
    expect([...byProvider.keys()].sort()).toEqual([...providers].sort());
    expect(workers).toHaveLength(providers.length);
    for (const provider of providers) {
      const d = byProvider.get(provider) as Workload;
      expect(d.metadata.name).toBe(`switchyard-worker-${provider}`);
      const c = mainContainer(d);
      expect(c.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
      const args = c.args ?? [];
      expect(args[args.indexOf('--provider') + 1]).toBe(provider);
      const fromEnv = resolveEnv(objects, d.metadata.namespace, c, 'SWITCHYARD_PROVIDER');
      if (fromEnv !== undefined) expect(fromEnv).toBe(provider);
    }
  });

  it('starts every process with an entry file of the Dockerfile build layout whose source exists', () => {
    const expected: Record<string, string> = {
      ingress: 'dist/apps/ingress/src/main.js',
      router: 'dist/apps/router/src/main.js',
      dispatcher: 'dist/apps/dispatcher/src/main.js',
      worker: 'dist/apps/worker/src/main.js',
      'provider-sim': 'dist/apps/provider-sim/src/main.js',
    };
    for (const d of deployments(objects).filter((w) => component(w) in expected)) {
      const c = mainContainer(d);
      const entry = nodeEntry([...(c.command ?? []), ...(c.args ?? [])]);
      expect({ name: d.metadata.name, entry }).toEqual({
        name: d.metadata.name,
        entry: expected[component(d)],
      });
      const source = sourceOfDistEntry(entry as string) as string;
      expect({ source, exists: existsSync(repoPath(source)) }).toEqual({ source, exists: true });
    }
  });

  it('probes /healthz (liveness) and /readyz (readiness) on the container port PORT names', () => {
    expect(apps.length).toBe(3 + providers.length);
    for (const d of apps) {
      const c = mainContainer(d);
      const port = Number(resolveEnv(objects, d.metadata.namespace, c, 'PORT') ?? '3000');
      const name = d.metadata.name;
      expect({ name, ports: c.ports?.map((p) => p.containerPort) }).toEqual({
        name,
        ports: [port],
      });
      expect({ name, liveness: c.livenessProbe?.httpGet?.path }).toEqual({
        name,
        liveness: '/healthz',
      });
      expect({ name, readiness: c.readinessProbe?.httpGet?.path }).toEqual({
        name,
        readiness: '/readyz',
      });
      expect({ name, lp: portNumber(c, c.livenessProbe?.httpGet?.port) }).toEqual({
        name,
        lp: port,
      });
      expect({ name, rp: portNumber(c, c.readinessProbe?.httpGet?.port) }).toEqual({
        name,
        rp: port,
      });
      if (c.startupProbe) expect(portNumber(c, c.startupProbe.httpGet?.port)).toBe(port);
    }
  });

  it('gives every process a termination grace period above the longest provider timeout', () => {
    const longestSeconds = longestTimeoutMs(routes.providers) / 1000;
    for (const d of apps) {
      const grace = d.spec.template.spec.terminationGracePeriodSeconds ?? 30;
      expect({ name: d.metadata.name, ok: grace > longestSeconds }).toEqual({
        name: d.metadata.name,
        ok: true,
      });
    }
  });

  it('sets cpu and memory requests and limits on every container, requests <= limits', () => {
    for (const d of [
      ...deployments(objects),
      ...(ofKind(objects, 'StatefulSet') as unknown as Workload[]),
    ]) {
      for (const c of d.spec.template.spec.containers) {
        for (const resource of ['cpu', 'memory']) {
          const request = quantity(c.resources?.requests?.[resource]);
          const limit = quantity(c.resources?.limits?.[resource]);
          const where = `${d.metadata.name}/${c.name} ${resource}`;
          expect({ where, ok: request > 0 && limit >= request }).toEqual({ where, ok: true });
        }
      }
    }
  });

  it('runs the Switchyard containers as the Dockerfile USER, never as root', () => {
    const uid = Number(
      runtime.instructions
        .filter((i) => i.keyword === 'USER')
        .pop()
        ?.args.split(':')[0],
    );
    for (const d of deployments(objects)) {
      const sc = d.spec.template.spec.securityContext;
      expect({
        name: d.metadata.name,
        sc: { nonRoot: sc?.runAsNonRoot, uid: sc?.runAsUser },
      }).toEqual({
        name: d.metadata.name,
        sc: { nonRoot: true, uid },
      });
    }
  });

  it('covers every process with a PodDisruptionBudget that selects it and allows an eviction', () => {
    const pdbs = ofKind(objects, 'PodDisruptionBudget');
    for (const d of apps) {
      const labels = d.spec.template.metadata.labels;
      const covering = pdbs.filter((p) => {
        const spec = p.spec as JsonObject;
        const selector = (spec.selector as JsonObject).matchLabels as Record<string, string>;
        return selectorMatches(selector, labels);
      });
      expect({ name: d.metadata.name, pdbs: covering.length }).toEqual({
        name: d.metadata.name,
        pdbs: 1,
      });
      const spec = covering[0].spec as JsonObject;
      // maxUnavailable never blocks a node drain, whatever the replica count.
      expect({ name: d.metadata.name, max: spec.maxUnavailable }).toEqual({
        name: d.metadata.name,
        max: 1,
      });
    }
    for (const p of pdbs) {
      const selector = ((p.spec as JsonObject).selector as JsonObject).matchLabels as Record<
        string,
        string
      >;
      const selected = deployments(objects).filter((d) =>
        selectorMatches(selector, d.spec.template.metadata.labels),
      );
      expect({ pdb: nameOf(p), selects: selected.length }).toEqual({ pdb: nameOf(p), selects: 1 });
    }
  });

  it('resolves every ConfigMap and Secret reference (after the name-suffix hash)', () => {
    for (const obj of objects) {
      for (const ref of referencesOf(obj)) {
        const target = objects.find(
          (o) =>
            kindOf(o) === ref.kind && nameOf(o) === ref.name && namespaceOf(o) === namespaceOf(obj),
        );
        expect({ from: idOf(obj), ref, found: !!target }).toEqual({
          from: idOf(obj),
          ref,
          found: true,
        });
      }
    }
  });

  it('mounts the routing table, equal to the repository routes.yaml, where SWITCHYARD_ROUTES points', () => {
    for (const d of apps) {
      const c = mainContainer(d);
      const routesPath = resolveEnv(objects, d.metadata.namespace, c, 'SWITCHYARD_ROUTES');
      expect(routesPath).toMatch(/^\//);
      const mount = (c.volumeMounts ?? []).find((m) =>
        (routesPath as string).startsWith(`${m.mountPath}/`),
      );
      expect(mount).toBeDefined();
      const volume = d.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
      const key = (routesPath as string).slice((mount?.mountPath.length ?? 0) + 1);
      expect(volume?.configMap).toBeDefined();
      const cm = findObject(objects, 'ConfigMap', volume?.configMap?.name ?? '');
      expect(cm).toBeDefined();
      const text = dataOf(cm as JsonObject)[key];
      expect(text).toBeDefined();
      expect(isDeepStrictEqual(parseYaml(text), routes.table)).toBe(true);
    }
  });

  it(`scales each worker with exactly one autoscaler: a ${SCALER[render]}`, () => {
    const scaledObjects = ofKind(objects, 'ScaledObject');
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
    const targetsOf = (kind: string) =>
      (kind === 'ScaledObject' ? scaledObjects : hpas).map((o) => {
        const ref = (o.spec as JsonObject).scaleTargetRef as JsonObject;
        return String(ref.name);
      });
    for (const d of apps) {
      const bySO = targetsOf('ScaledObject').filter((n) => n === d.metadata.name).length;
      const byHPA = targetsOf('HorizontalPodAutoscaler').filter(
        (n) => n === d.metadata.name,
      ).length;
      expect({ name: d.metadata.name, scalers: bySO + byHPA <= 1 }).toEqual({
        name: d.metadata.name,
        scalers: true,
      });
      // An autoscaled Deployment leaves replicas to its autoscaler (apply would fight it).
      if (bySO + byHPA)
        expect({ name: d.metadata.name, replicas: d.spec.replicas }).toEqual({
          name: d.metadata.name,
        });
    }
    for (const d of workers) {
      expect({
        name: d.metadata.name,
        scaler: targetsOf(SCALER[render]).includes(d.metadata.name),
      }).toEqual({
        name: d.metadata.name,
        scaler: true,
      });
    }
    if (SCALER[render] === 'HorizontalPodAutoscaler') expect(scaledObjects).toEqual([]);
  });

  if (SCALER[render] === 'ScaledObject') {
    it('points each KEDA ScaledObject at its worker and at the queue wait list in Redis', () => {
      for (const provider of providers) {
        const name = `switchyard-worker-${provider}`;
        const so = findObject(objects, 'ScaledObject', name);
        expect({ name, found: !!so }).toEqual({ name, found: true });
        const spec = (so as JsonObject).spec as JsonObject;
        const target = spec.scaleTargetRef as JsonObject;
        expect(target.name).toBe(name);
        expect(target.kind ?? 'Deployment').toBe('Deployment');
        const d = findObject(objects, 'Deployment', name) as unknown as Workload;
        const triggers = spec.triggers as JsonObject[];
        expect(triggers).toHaveLength(1);
        expect(triggers[0].type).toBe('redis');
        const meta = triggers[0].metadata as Record<string, string>;
        expect(meta.listName).toBe(`${queuePrefix(objects, d)}:provider-${provider}:wait`);
        expect(meta.listLength).toMatch(/^[1-9]\d*$/);
        expect(meta.activationListLength).toMatch(/^\d+$/);
        // KEDA reads the address from the worker container's environment: host:port, no scheme.
        expect(meta.address).toBeUndefined();
        const address = resolveEnv(
          objects,
          d.metadata.namespace,
          mainContainer(d),
          meta.addressFromEnv,
        );
        const redisUrl = new URL(
          resolveEnv(objects, d.metadata.namespace, mainContainer(d), 'REDIS_URL') as string,
        );
        expect(address).toBe(`${redisUrl.hostname}:${redisUrl.port || '6379'}`);
        expect(Number(spec.minReplicaCount ?? 0)).toBeLessThanOrEqual(Number(spec.maxReplicaCount));
      }
    });
  } else {
    it('scales each worker with an HPA on switchyard_queue_depth for its own queue', () => {
      for (const provider of providers) {
        const name = `switchyard-worker-${provider}`;
        const hpa = findObject(objects, 'HorizontalPodAutoscaler', name);
        expect({ name, found: !!hpa }).toEqual({ name, found: true });
        const spec = (hpa as JsonObject).spec as JsonObject;
        expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
        const metrics = spec.metrics as JsonObject[];
        expect(metrics).toHaveLength(1);
        const type = String(metrics[0].type);
        expect(['External', 'Object', 'Pods']).toContain(type);
        const source = metrics[0][type.charAt(0).toLowerCase() + type.slice(1)] as JsonObject;
        const metric = source.metric as JsonObject;
        expect(metric.name).toBe('switchyard_queue_depth');
        const selector = metric.selector as JsonObject;
        expect((selector.matchLabels as JsonObject).queue).toBe(`provider-${provider}`);
        const states = ((selector.matchExpressions as JsonObject[]) ?? []).find(
          (e) => e.key === 'state',
        );
        expect(states?.operator).toBe('In');
        expect(states?.values).toEqual(expect.arrayContaining(['waiting']));
        expect(Number(spec.minReplicas)).toBeGreaterThanOrEqual(1);
        expect(Number(spec.maxReplicas)).toBeGreaterThanOrEqual(Number(spec.minReplicas));
      }
    });
  }

  it('exposes the ingress through a Service on its http port and scales it on CPU', () => {
    const d = findObject(objects, 'Deployment', 'switchyard-ingress') as unknown as Workload;
    const svc = findObject(objects, 'Service', 'switchyard-ingress') as JsonObject;
    const spec = svc.spec as JsonObject;
    expect(
      selectorMatches(spec.selector as Record<string, string>, d.spec.template.metadata.labels),
    ).toBe(true);
    const c = mainContainer(d);
    for (const port of spec.ports as JsonObject[]) {
      expect(portNumber(c, port.targetPort as string | number)).toBe(c.ports?.[0].containerPort);
    }
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'switchyard-ingress') as JsonObject;
    const hspec = hpa.spec as JsonObject;
    expect(hspec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'switchyard-ingress',
    });
    const cpu = (hspec.metrics as JsonObject[]).find(
      (m) => m.type === 'Resource' && (m.resource as JsonObject).name === 'cpu',
    );
    expect(cpu).toBeDefined();
    expect(Number(hspec.minReplicas)).toBeGreaterThanOrEqual(1);
  });

  it('keeps only placeholder values in the Secret, with a key for every provider and the webhook secret', () => {
    const secret = ofKind(objects, 'Secret').find((s) =>
      nameOf(s).startsWith('switchyard-secrets'),
    );
    expect(secret).toBeDefined();
    const data = dataOf(secret as JsonObject);
    for (const p of routes.providers) {
      if (!p.apiKeyEnv) continue;
      expect({ key: p.apiKeyEnv, present: p.apiKeyEnv in data }).toEqual({
        key: p.apiKeyEnv,
        present: true,
      });
      expect({ key: p.apiKeyEnv, value: data[p.apiKeyEnv] }).toEqual({
        key: p.apiKeyEnv,
        value: '',
      });
    }
    // Valid (the dispatcher refuses to start otherwise) but recognisably a placeholder.
    expect(isValidWebhookSecret(data.SWITCHYARD_WEBHOOK_SECRET)).toBe(true);
    expect(Buffer.from(data.SWITCHYARD_WEBHOOK_SECRET.slice(6), 'base64').toString()).toMatch(
      /placeholder/,
    );
    for (const [key, value] of Object.entries(data)) {
      expect({
        key,
        looksReal: /\b(sk-[A-Za-z0-9]{8}|AIza[0-9A-Za-z_-]{10}|gsk_[A-Za-z0-9]{8})/.test(value),
      }).toEqual({
        key,
        looksReal: false,
      });
    }
  });
});

describe('deploy/k8s overlays', () => {
  const baseImages = new Set(
    deployments(rendered.base).flatMap((d) =>
      d.spec.template.spec.containers.map((c) => parseImage(c.image).name),
    ),
  );

  it('use the image name the base uses, and pin a tag for every Switchyard container', () => {
    const overlay = loadKustomization(repoPath(DIRS.example));
    const images = overlay.images as JsonObject[];
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(baseImages).toContain(String(image.name));
    expect(baseImages.size).toBe(1);
    const pinned = `${String(images[0].newName ?? images[0].name)}:${String(images[0].newTag)}`;
    for (const render of ['example', 'example-no-keda'] as const) {
      for (const d of deployments(rendered[render])) {
        for (const c of d.spec.template.spec.containers)
          expect({ d: d.metadata.name, image: c.image }).toEqual({
            d: d.metadata.name,
            image: pinned,
          });
      }
    }
  });

  it('put every namespaced object in the overlay namespace, which they create', () => {
    const overlay = loadKustomization(repoPath(DIRS.example));
    const namespace = String(overlay.namespace);
    for (const render of ['example', 'example-no-keda'] as const) {
      const objects = rendered[render];
      expect(findObject(objects, 'Namespace', namespace)).toBeDefined();
      for (const o of objects.filter((x) => kindOf(x) !== 'Namespace')) {
        expect({ id: idOf(o), ns: namespaceOf(o) }).toEqual({ id: idOf(o), ns: namespace });
      }
    }
  });

  it('tweak replicas: router and dispatcher counts, and smaller autoscaler ceilings', () => {
    const base = rendered.base;
    const example = rendered.example;
    const replicas = (objects: JsonObject[], name: string) =>
      (findObject(objects, 'Deployment', name) as unknown as Workload).spec.replicas;
    expect(replicas(example, 'switchyard-router')).not.toBe(replicas(base, 'switchyard-router'));
    const max = (objects: JsonObject[], kind: string, name: string, field: string) =>
      ((findObject(objects, kind, name) as JsonObject).spec as JsonObject)[field];
    const worker = `switchyard-worker-${providers[0]}`;
    expect(Number(max(example, 'ScaledObject', worker, 'maxReplicaCount'))).toBeLessThan(
      Number(max(base, 'ScaledObject', worker, 'maxReplicaCount')),
    );
  });

  it('run with no keys: the simulator and throwaway Redis/PostgreSQL are where the config points', () => {
    for (const render of ['example', 'example-no-keda'] as const) {
      const objects = rendered[render];
      const ingress = findObject(
        objects,
        'Deployment',
        'switchyard-ingress',
      ) as unknown as Workload;
      const c = mainContainer(ingress);
      const env = (name: string) =>
        resolveEnv(objects, ingress.metadata.namespace, c, name) as string;
      const serviceOn = (url: string) => {
        const u = new URL(url);
        const svc = findObject(objects, 'Service', u.hostname);
        const ports =
          ((svc?.spec as JsonObject | undefined)?.ports as JsonObject[] | undefined) ?? [];
        return ports.some(
          (p) =>
            String(p.port) === (u.port || { 'redis:': '6379', 'postgres:': '5432' }[u.protocol]),
        );
      };
      expect({ render, sim: serviceOn(env('SWITCHYARD_SIMULATOR_URL')) }).toEqual({
        render,
        sim: true,
      });
      expect({ render, redis: serviceOn(env('REDIS_URL')) }).toEqual({ render, redis: true });
      expect({ render, pg: serviceOn(env('DATABASE_URL')) }).toEqual({ render, pg: true });
      const db = new URL(env('DATABASE_URL'));
      const pgSecret = ofKind(objects, 'Secret').find((s) =>
        nameOf(s).startsWith('switchyard-postgres'),
      );
      const pg = dataOf(pgSecret as JsonObject);
      expect([db.username, db.password, db.pathname]).toEqual([
        pg.POSTGRES_USER,
        pg.POSTGRES_PASSWORD,
        `/${pg.POSTGRES_DB}`,
      ]);

      const sim = findObject(
        objects,
        'Deployment',
        'switchyard-provider-sim',
      ) as unknown as Workload;
      const simC = mainContainer(sim);
      const simEnv = (name: string) => resolveEnv(objects, sim.metadata.namespace, simC, name);
      expect(simEnv('SIM_HOST')).toBe('0.0.0.0');
      const simPort = Number(simEnv('SIM_PORT'));
      expect(simC.ports?.map((p) => p.containerPort)).toEqual([simPort]);
      for (const probe of [simC.livenessProbe, simC.readinessProbe]) {
        expect(probe?.httpGet?.path).toBe('/healthz');
        expect(portNumber(simC, probe?.httpGet?.port)).toBe(simPort);
      }
      // Redis for BullMQ: persistent (AOF) and never evicting keys.
      const redis = findObject(objects, 'StatefulSet', 'redis') as unknown as Workload;
      const args = (redis.spec.template.spec.containers[0].args ?? []).join(' ');
      expect(args).toContain('--appendonly yes');
      expect(args).toContain('--maxmemory-policy noeviction');
    }
  });

  it('keeps the base free of datastores and the simulator (production brings its own)', () => {
    expect(ofKind(rendered.base, 'StatefulSet')).toEqual([]);
    expect(findObject(rendered.base, 'Deployment', 'switchyard-provider-sim')).toBeUndefined();
    expect(isObject(loadKustomization(repoPath(DIRS.base)))).toBe(true);
  });
});
