/**
 * The deploy tests render kustomizations with test/deploy/support/kustomize.ts. Check it on a
 * fixture that uses each feature, and, where kubectl is installed, against `kubectl kustomize`
 * (object for object, hashed names included) on the fixture and on deploy/k8s itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { dataOf, findObject } from './support/k8s';
import {
  idOf,
  kustomizeHash,
  nameOf,
  parseYamlDocuments,
  renderKustomization,
  type JsonObject,
} from './support/kustomize';
import { repoPath } from './support/repo';

const LONG_VALUE = 'postgres://user:password@postgres.example.internal:5432/database';
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const withKubectl = hasKubectl ? it : it.skip;

function kubectlKustomize(dir: string): JsonObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseYamlDocuments(out) as JsonObject[];
}

/** Path of the first difference between two JSON values, or undefined when equal. */
function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a === b ? undefined : `${at || '/'}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${at || '/'}: array vs object`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${at}/${key}`,
    );
    if (found) return found;
  }
  return undefined;
}

function diff(mine: JsonObject[], theirs: JsonObject[]): string[] {
  const a = new Map(mine.map((o) => [idOf(o), o]));
  const b = new Map(theirs.map((o) => [idOf(o), o]));
  const problems: string[] = [];
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    if (!a.has(id)) problems.push(`only kubectl renders ${id}`);
    else if (!b.has(id)) problems.push(`only this renderer renders ${id}`);
    else {
      const where = firstDifference(a.get(id), b.get(id), '');
      if (where !== undefined) problems.push(`${id} differs at ${where}`);
    }
  }
  return problems;
}

function write(root: string, file: string, text: string): void {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
}

describe('test/deploy/support/kustomize.ts', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'switchyard-kustomize-'));
    write(
      root,
      'base/kustomization.yaml',
      `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [app.yaml]
configMapGenerator:
  - name: app-config
    files: [settings.yaml]
    literals: [MODE=base, 'QUOTED="x y"']
secretGenerator:
  - name: app-secrets
    envs: [secrets.env]
`,
    );
    write(root, 'base/settings.yaml', 'a: 1\nlist: [x, "<&>"]\n');
    write(root, 'base/secrets.env', `# comment\nTOKEN=abc\nEMPTY=\nURL=${LONG_VALUE}\n`);
    write(
      root,
      'base/app.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: { app: app }
  template:
    metadata:
      labels: { app: app }
    spec:
      containers:
        - name: app
          image: myimage:1.0
          env:
            - name: A
              value: '1'
            - name: C
              value: '3'
            - name: D
              value: '4'
          envFrom:
            - configMapRef: { name: app-config }
            - secretRef: { name: app-secrets }
          volumeMounts:
            - { name: cfg, mountPath: /etc/app }
      volumes:
        - name: cfg
          configMap: { name: app-config }
---
apiVersion: example.com/v1
kind: Extra
metadata:
  name: extra-one
spec: { size: 1 }
---
apiVersion: example.com/v1
kind: Extra
metadata:
  name: extra-two
spec: { size: 2 }
`,
    );
    write(
      root,
      'component/kustomization.yaml',
      `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [svc.yaml]
configMapGenerator:
  - name: app-config
    behavior: merge
    literals: [MODE=component]
patches:
  - target: { group: example.com, kind: Extra, name: extra-t.* }
    patch: |-
      $patch: delete
      apiVersion: example.com/v1
      kind: Extra
      metadata:
        name: ignored
`,
    );
    write(
      root,
      'component/svc.yaml',
      `apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector: { app: app }
  ports: [{ port: 80 }]
`,
    );
    write(
      root,
      'overlay/kustomization.yaml',
      `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: demo
resources: [../base]
components: [../component]
images:
  - name: myimage
    newName: registry.example.com/team/myimage
    newTag: '2.0'
replicas:
  - name: app
    count: 3
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: app
      spec:
        template:
          spec:
            containers:
              - name: app
                env:
                  - name: C
                    value: '33'
                  - name: B
                    value: '2'
                  - name: D
                    $patch: delete
  - target: { group: example.com, kind: Extra }
    patch: |-
      - op: replace
        path: /spec/size
        value: 9
      - op: add
        path: /spec/tags
        value: [t]
`,
    );
    write(root, 'bad-field/kustomization.yaml', 'resources: []\nnamePrefix: x-\n');
    write(
      root,
      'outside/kustomization.yaml',
      'configMapGenerator:\n  - name: x\n    files: [../base/settings.yaml]\n',
    );
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('applies generators, components, patches, namespace, replicas and images', () => {
    const objects = renderKustomization(path.join(root, 'overlay'));
    const deployment = findObject(objects, 'Deployment', 'app') as JsonObject;
    expect(deployment).toBeDefined();
    const spec = deployment.spec as JsonObject;
    expect(spec.replicas).toBe(3);
    const podSpec = (spec.template as JsonObject).spec as JsonObject;
    const container = (podSpec.containers as JsonObject[])[0];
    expect(container.image).toBe('registry.example.com/team/myimage:2.0');
    // Strategic merge by name, in kustomize's order: the patch's entries, then the others.
    expect(container.env).toEqual([
      { name: 'C', value: '33' },
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
    // The generated ConfigMap carries the merged data and a hash suffix the references follow.
    const cm = objects.find((o) => o.kind === 'ConfigMap') as JsonObject;
    expect(nameOf(cm)).toMatch(/^app-config-[a-z0-9]{10}$/);
    expect(dataOf(cm)).toEqual({
      'settings.yaml': 'a: 1\nlist: [x, "<&>"]\n',
      MODE: 'component',
      QUOTED: 'x y',
    });
    const secret = objects.find((o) => o.kind === 'Secret') as JsonObject;
    expect(dataOf(secret)).toEqual({ TOKEN: 'abc', EMPTY: '', URL: LONG_VALUE });
    // kustomize cuts long base64 values into lines (and hashes them that way).
    expect(String((secret.data as JsonObject).URL)).toMatch(
      /^[A-Za-z0-9+/=]{70}\n[A-Za-z0-9+/=]+\n$/,
    );
    expect((container.envFrom as JsonObject[]).map((e) => JSON.stringify(e))).toEqual([
      JSON.stringify({ configMapRef: { name: nameOf(cm) } }),
      JSON.stringify({ secretRef: { name: nameOf(secret) } }),
    ]);
    expect(((podSpec.volumes as JsonObject[])[0].configMap as JsonObject).name).toBe(nameOf(cm));
    // $patch: delete removed extra-two only; the JSON patch changed extra-one.
    expect(findObject(objects, 'Extra', 'extra-two')).toBeUndefined();
    expect((findObject(objects, 'Extra', 'extra-one') as JsonObject).spec).toEqual({
      size: 9,
      tags: ['t'],
    });
    expect(objects.every((o) => (o.metadata as JsonObject).namespace === 'demo')).toBe(true);
    expect(findObject(objects, 'Service', 'app')).toBeDefined();
  });

  it('changes the hash suffix when the data changes, and only then', () => {
    const cm = (data: JsonObject): JsonObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data,
    });
    expect(kustomizeHash(cm({ a: '1' }))).toBe(kustomizeHash(cm({ a: '1' })));
    expect(kustomizeHash(cm({ a: '1' }))).not.toBe(kustomizeHash(cm({ a: '2' })));
    expect(kustomizeHash(cm({ a: '1' }))).toMatch(/^[2456789bcdfghkmt]{10}$/);
  });

  it('refuses fields it does not implement and files outside the kustomization folder', () => {
    expect(() => renderKustomization(path.join(root, 'bad-field'))).toThrow(/namePrefix/);
    expect(() => renderKustomization(path.join(root, 'outside'))).toThrow(/outside/);
  });

  withKubectl('renders the fixture exactly as kubectl kustomize does', () => {
    expect(
      diff(
        renderKustomization(path.join(root, 'overlay')),
        kubectlKustomize(path.join(root, 'overlay')),
      ),
    ).toEqual([]);
  });

  describe.each([
    'deploy/k8s/base',
    'deploy/k8s/overlays/example',
    'deploy/k8s/overlays/example-no-keda',
  ])('%s', (dir) => {
    withKubectl('renders exactly as kubectl kustomize does', () => {
      const mine = renderKustomization(repoPath(dir));
      expect(mine.length).toBeGreaterThan(10);
      expect(diff(mine, kubectlKustomize(repoPath(dir)))).toEqual([]);
    });
  });
});
