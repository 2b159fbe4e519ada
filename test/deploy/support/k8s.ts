/** Typed views over rendered Kubernetes objects for the deploy tests. */
import { isObject, kindOf, nameOf, namespaceOf, type Json, type JsonObject } from './kustomize';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string };
  };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
  periodSeconds?: number;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
  };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: Array<{
    name: string;
    configMap?: { name: string; items?: Array<{ key: string; path: string }> };
  }>;
}

export interface Workload {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

export function ofKind(objects: JsonObject[], kind: string): JsonObject[] {
  return objects.filter((o) => kindOf(o) === kind);
}

export function deployments(objects: JsonObject[]): Workload[] {
  return ofKind(objects, 'Deployment') as unknown as Workload[];
}

export function findObject(
  objects: JsonObject[],
  kind: string,
  name: string,
): JsonObject | undefined {
  return objects.find((o) => kindOf(o) === kind && nameOf(o) === name);
}

/** Data of a rendered ConfigMap or Secret (Secret values decoded). */
export function dataOf(obj: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  const data = isObject(obj.data) ? obj.data : {};
  for (const [k, v] of Object.entries(data)) {
    out[k] =
      kindOf(obj) === 'Secret' ? Buffer.from(String(v), 'base64').toString('utf8') : String(v);
  }
  if (isObject(obj.stringData))
    for (const [k, v] of Object.entries(obj.stringData)) out[k] = String(v);
  return out;
}

/**
 * The value a container sees for an environment variable: explicit env first (later entries win),
 * otherwise envFrom sources (later sources win), the way the kubelet builds the environment.
 */
export function resolveEnv(
  objects: JsonObject[],
  namespace: string | undefined,
  container: Container,
  name: string,
): string | undefined {
  const lookup = (kind: string, ref: string): Record<string, string> | undefined => {
    const obj = objects.find(
      (o) => kindOf(o) === kind && nameOf(o) === ref && namespaceOf(o) === namespace,
    );
    return obj ? dataOf(obj) : undefined;
  };
  const explicit = (container.env ?? []).filter((e) => e.name === name).pop();
  if (explicit) {
    if (explicit.value !== undefined) return explicit.value;
    const cm = explicit.valueFrom?.configMapKeyRef;
    if (cm) return lookup('ConfigMap', cm.name)?.[cm.key];
    const secret = explicit.valueFrom?.secretKeyRef;
    if (secret) return lookup('Secret', secret.name)?.[secret.key];
    return undefined;
  }
  let value: string | undefined;
  for (const source of container.envFrom ?? []) {
    const data = source.configMapRef
      ? lookup('ConfigMap', source.configMapRef.name)
      : source.secretRef
        ? lookup('Secret', source.secretRef.name)
        : undefined;
    if (data && name in data) value = data[name];
  }
  return value;
}

/** Kubernetes quantities: 100m, 1, 0.5 (cpu); 128Mi, 1Gi, 500M (memory). */
export function quantity(value: string | number | undefined): number {
  if (value === undefined) return NaN;
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  if (!m) return NaN;
  const unit: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}

export function selectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function asJson<T>(value: T): Json {
  return value as unknown as Json;
}
