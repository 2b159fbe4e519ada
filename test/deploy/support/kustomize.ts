/**
 * A small kustomize renderer for the subset deploy/k8s uses, so the deploy tests run where no
 * kustomize binary is installed. Supported: resources (files and folders), components, namespace,
 * images, replicas, patches (strategic merge, including `$patch: delete`, and JSON 6902, with
 * or without a target selector), configMapGenerator and secretGenerator (files, literals, envs;
 * behavior create/merge/replace) with kustomize's name-suffix hash, and the rewriting of
 * ConfigMap/Secret references to the hashed names. Any other kustomization field is an error,
 * so a manifest change that needs more of kustomize fails here loudly instead of rendering
 * wrongly. Where `kubectl` is installed, a test renders with `kubectl kustomize` too and
 * compares.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export class KustomizeError extends Error {
  override readonly name = 'KustomizeError';
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses every YAML document of a file or string; empty documents (comments only) are dropped. */
export function parseYamlDocuments(text: string, source = 'yaml'): Json[] {
  const out: Json[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new KustomizeError(`${source}: ${doc.errors[0].message}`);
    const value = doc.toJS() as Json;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function loadYamlObjects(file: string): JsonObject[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file).map((doc) => {
    if (!isObject(doc)) throw new KustomizeError(`${file}: a document is not a mapping`);
    return doc;
  });
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function kustomizationFile(dir: string): string {
  for (const name of KUSTOMIZATION_FILES) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new KustomizeError(`${dir}: no kustomization file`);
}

export function loadKustomization(dir: string): JsonObject {
  const file = kustomizationFile(dir);
  const docs = loadYamlObjects(file);
  if (docs.length !== 1) throw new KustomizeError(`${file}: expected one document`);
  return docs[0];
}

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'namespace',
  'images',
  'replicas',
  'patches',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);

/** A resource on its way through the pipeline; generated ones get their hash suffix at the end. */
interface Resource {
  obj: JsonObject;
  generated?: { hashSuffix: boolean };
}

function meta(obj: JsonObject): JsonObject {
  const m = obj.metadata;
  if (!isObject(m)) throw new KustomizeError(`resource without metadata: ${JSON.stringify(obj)}`);
  return m;
}

export function kindOf(obj: JsonObject): string {
  return String(obj.kind);
}

export function nameOf(obj: JsonObject): string {
  return String(meta(obj).name);
}

export function namespaceOf(obj: JsonObject): string | undefined {
  const ns = meta(obj).namespace;
  return typeof ns === 'string' ? ns : undefined;
}

export function groupOf(obj: JsonObject): string {
  const apiVersion = String(obj.apiVersion ?? '');
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

export function idOf(obj: JsonObject): string {
  return `${kindOf(obj)}/${namespaceOf(obj) ?? ''}/${nameOf(obj)}`;
}

/** JSON round trip: the values are plain YAML data, and (unlike structuredClone under jest) the
 * copies keep this realm's prototypes, so deep-equality checks compare like with like. */
function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function strings(value: Json | undefined, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new KustomizeError(`${what}: expected a list of strings`);
  }
  return value as string[];
}

function objects(value: Json | undefined, what: string): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw new KustomizeError(`${what}: expected a list of mappings`);
  }
  return value as JsonObject[];
}

// ---- generators -----------------------------------------------------------------------------

function parseEnvFile(file: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new KustomizeError(`${file}: "${line}" is not KEY=VALUE`);
    pairs.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return pairs;
}

function parseLiteral(literal: string): [string, string] {
  const eq = literal.indexOf('=');
  if (eq <= 0) throw new KustomizeError(`literal "${literal}" is not KEY=VALUE`);
  let value = literal.slice(eq + 1);
  if (value.length >= 2 && /^(['"]).*\1$/s.test(value)) value = value.slice(1, -1);
  return [literal.slice(0, eq), value];
}

function generatorData(dir: string, gen: JsonObject, what: string): Map<string, string> {
  const data = new Map<string, string>();
  for (const file of strings(gen.envs, `${what}.envs`)) {
    for (const [k, v] of parseEnvFile(path.resolve(dir, file))) data.set(k, v);
  }
  for (const entry of strings(gen.files, `${what}.files`)) {
    const eq = entry.indexOf('=');
    const [key, file] =
      eq > 0 ? [entry.slice(0, eq), entry.slice(eq + 1)] : [path.basename(entry), entry];
    const resolved = path.resolve(dir, file);
    if (!resolved.startsWith(path.resolve(dir) + path.sep)) {
      throw new KustomizeError(`${what}: ${file} is outside ${dir} (kustomize's load restrictor)`);
    }
    data.set(key, readFileSync(resolved, 'utf8'));
  }
  for (const literal of strings(gen.literals, `${what}.literals`)) {
    const [k, v] = parseLiteral(literal);
    data.set(k, v);
  }
  return data;
}

/**
 * Secret values as kustomize (kyaml) writes them: base64 cut into 70-character lines, each line
 * ending in a newline once the encoding is 70 characters or longer. The hash covers this text.
 */
export function kustomizeBase64(value: string): string {
  const encoded = Buffer.from(value, 'utf8').toString('base64');
  const lineLength = 70;
  if (Math.floor(encoded.length / lineLength) + 1 <= 1) return encoded;
  let out = '';
  for (let i = 0; i < encoded.length; i += lineLength)
    out += `${encoded.slice(i, i + lineLength)}\n`;
  return out;
}

function runGenerators(dir: string, k: JsonObject, list: Resource[]): void {
  const options = isObject(k.generatorOptions) ? k.generatorOptions : {};
  for (const [field, kind] of [
    ['configMapGenerator', 'ConfigMap'],
    ['secretGenerator', 'Secret'],
  ] as const) {
    for (const gen of objects(k[field], field)) {
      const name = String(gen.name);
      const what = `${field} ${name}`;
      const entries = generatorData(dir, gen, what);
      const behavior = String(gen.behavior ?? 'create');
      const genOptions = isObject(gen.options) ? gen.options : {};
      const hashSuffix = !(genOptions.disableNameSuffixHash ?? options.disableNameSuffixHash);
      const encode = (v: string): string => (kind === 'Secret' ? kustomizeBase64(v) : v);
      const existing = list.find(
        (r) =>
          kindOf(r.obj) === kind &&
          nameOf(r.obj) === name &&
          (!gen.namespace || namespaceOf(r.obj) === gen.namespace),
      );
      if (behavior === 'create') {
        if (existing)
          throw new KustomizeError(`${what}: already exists; use behavior merge or replace`);
        const data: JsonObject = {};
        for (const [key, v] of entries) data[key] = encode(v);
        const obj: JsonObject = { apiVersion: 'v1', kind, metadata: { name } };
        if (typeof gen.namespace === 'string') meta(obj).namespace = gen.namespace;
        if (kind === 'Secret') obj.type = typeof gen.type === 'string' ? gen.type : 'Opaque';
        if (entries.size) obj.data = data;
        list.push({ obj, generated: { hashSuffix } });
      } else if (behavior === 'merge' || behavior === 'replace') {
        if (!existing)
          throw new KustomizeError(
            `${what}: behavior ${behavior} but no ${kind} ${name} to ${behavior}`,
          );
        const data: JsonObject =
          behavior === 'merge' && isObject(existing.obj.data) ? existing.obj.data : {};
        for (const [key, v] of entries) data[key] = encode(v);
        existing.obj.data = data;
        existing.generated = { hashSuffix: existing.generated?.hashSuffix ?? hashSuffix };
      } else {
        throw new KustomizeError(`${what}: unknown behavior ${behavior}`);
      }
    }
  }
}

// ---- patches --------------------------------------------------------------------------------

function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function matchesTarget(obj: JsonObject, target: JsonObject): boolean {
  const [group, version] = (() => {
    const apiVersion = String(obj.apiVersion ?? '');
    return apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  })();
  const checks: Array<[Json | undefined, string]> = [
    [target.group, group],
    [target.version, version],
    [target.kind, kindOf(obj)],
    [target.name, nameOf(obj)],
    [target.namespace, namespaceOf(obj) ?? ''],
  ];
  for (const [want, have] of checks) {
    if (want !== undefined && want !== null && !anchored(String(want)).test(have)) return false;
  }
  if (typeof target.labelSelector === 'string') {
    const labels = isObject(meta(obj).labels) ? (meta(obj).labels as JsonObject) : {};
    for (const term of target.labelSelector.split(',')) {
      const [k, v] = term.split('=').map((s) => s.trim());
      if (v === undefined ? !(k in labels) : labels[k] !== v) return false;
    }
  }
  if (target.annotationSelector !== undefined) {
    throw new KustomizeError('patch target annotationSelector is not supported by this renderer');
  }
  return true;
}

/** Keys strategic merge uses to merge lists of mappings (the ones these manifests can meet). */
const LIST_MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  envFrom: '', // not mergeable by key: replaced
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  tolerations: '',
};

function strategicMerge(target: Json, patch: Json, field = ''): Json {
  if (isObject(patch)) {
    if (patch.$patch === 'replace') {
      const { $patch: _ignored, ...rest } = patch;
      return clone(rest);
    }
    const base: JsonObject = isObject(target) ? clone(target) : {};
    for (const [key, value] of Object.entries(patch)) {
      if (key === '$patch') continue;
      if (value === null) delete base[key];
      else base[key] = strategicMerge(base[key] ?? null, value, key);
    }
    return base;
  }
  if (Array.isArray(patch) && Array.isArray(target)) {
    const key = LIST_MERGE_KEYS[field];
    if (key && patch.every(isObject) && target.every(isObject)) {
      // Like kustomize (kyaml): the patch's items in its order, merged with the target's item of
      // the same key, then the target's items the patch does not name.
      const targets = target as JsonObject[];
      const out: JsonObject[] = [];
      for (const item of patch as JsonObject[]) {
        if (item.$patch === 'delete') continue;
        const existing = targets.find((t) => t[key] === item[key]);
        out.push(existing ? (strategicMerge(existing, item, '') as JsonObject) : clone(item));
      }
      for (const existing of targets) {
        const named = (patch as JsonObject[]).some((p) => p[key] === existing[key]);
        if (!named) out.push(clone(existing));
      }
      return out;
    }
  }
  return clone(patch);
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new KustomizeError(`bad JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyJsonPatch(obj: JsonObject, ops: JsonObject[]): JsonObject {
  const doc = clone(obj);
  for (const op of ops) {
    const parts = decodePointer(String(op.path));
    const last = parts.pop();
    if (last === undefined)
      throw new KustomizeError('JSON patch on the document root is not supported');
    let parent: Json = doc;
    for (const part of parts) {
      const next: Json | undefined = Array.isArray(parent)
        ? parent[Number(part)]
        : isObject(parent)
          ? parent[part]
          : undefined;
      if (next === undefined)
        throw new KustomizeError(`JSON patch ${op.op} ${String(op.path)}: path not found`);
      parent = next;
    }
    const exists = Array.isArray(parent)
      ? Number(last) < parent.length
      : isObject(parent) && last in parent;
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent))
          parent.splice(last === '-' ? parent.length : Number(last), 0, clone(op.value));
        else if (isObject(parent)) parent[last] = clone(op.value);
        break;
      case 'replace':
        if (!exists)
          throw new KustomizeError(`JSON patch replace ${String(op.path)}: path not found`);
        if (Array.isArray(parent)) parent[Number(last)] = clone(op.value);
        else if (isObject(parent)) parent[last] = clone(op.value);
        break;
      case 'remove':
        if (!exists)
          throw new KustomizeError(`JSON patch remove ${String(op.path)}: path not found`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else if (isObject(parent)) delete parent[last];
        break;
      case 'test': {
        const current = Array.isArray(parent)
          ? parent[Number(last)]
          : isObject(parent)
            ? parent[last]
            : undefined;
        if (JSON.stringify(current) !== JSON.stringify(op.value)) {
          throw new KustomizeError(`JSON patch test ${String(op.path)} failed`);
        }
        break;
      }
      default:
        throw new KustomizeError(
          `JSON patch op ${String(op.op)} is not supported by this renderer`,
        );
    }
  }
  return doc;
}

function runPatches(dir: string, k: JsonObject, list: Resource[]): Resource[] {
  let out = list;
  for (const entry of objects(k.patches, 'patches')) {
    const text =
      typeof entry.patch === 'string'
        ? entry.patch
        : typeof entry.path === 'string'
          ? readFileSync(path.resolve(dir, entry.path), 'utf8')
          : undefined;
    if (text === undefined)
      throw new KustomizeError('patches: an entry has neither patch nor path');
    const docs = parseYamlDocuments(text, 'patch');
    if (docs.length !== 1) throw new KustomizeError('patches: expected one document per patch');
    const patch = docs[0];
    const target = isObject(entry.target) ? entry.target : undefined;
    let selected: Resource[];
    if (target) {
      selected = out.filter((r) => matchesTarget(r.obj, target));
    } else {
      if (!isObject(patch)) throw new KustomizeError('patches: a JSON 6902 patch needs a target');
      selected = out.filter(
        (r) =>
          kindOf(r.obj) === kindOf(patch) &&
          nameOf(r.obj) === nameOf(patch) &&
          (namespaceOf(patch) === undefined || namespaceOf(r.obj) === namespaceOf(patch)),
      );
    }
    if (selected.length === 0) {
      throw new KustomizeError(`patches: no resource matches ${JSON.stringify(target ?? patch)}`);
    }
    if (Array.isArray(patch)) {
      if (!patch.every(isObject)) throw new KustomizeError('patches: bad JSON 6902 patch');
      for (const r of selected) r.obj = applyJsonPatch(r.obj, patch as JsonObject[]);
    } else if (isObject(patch) && patch.$patch === 'delete') {
      out = out.filter((r) => !selected.includes(r));
    } else if (isObject(patch)) {
      const { metadata: _name, ...rest } = patch;
      const patchMeta = isObject(patch.metadata) ? { ...patch.metadata } : {};
      delete patchMeta.name;
      delete patchMeta.namespace;
      for (const r of selected) {
        r.obj = strategicMerge(r.obj, { ...rest, metadata: patchMeta }) as JsonObject;
      }
    } else {
      throw new KustomizeError('patches: unsupported patch');
    }
  }
  return out;
}

// ---- namespace, replicas, images --------------------------------------------------------------

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ClusterTriggerAuthentication',
]);

function runNamespace(k: JsonObject, list: Resource[]): void {
  if (typeof k.namespace !== 'string') return;
  for (const r of list) {
    if (!CLUSTER_SCOPED.has(kindOf(r.obj))) meta(r.obj).namespace = k.namespace;
  }
}

const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

function runReplicas(k: JsonObject, list: Resource[]): void {
  for (const entry of objects(k.replicas, 'replicas')) {
    const matches = list.filter(
      (r) => REPLICATED.has(kindOf(r.obj)) && nameOf(r.obj) === entry.name,
    );
    if (!matches.length)
      throw new KustomizeError(`replicas: no workload named ${String(entry.name)}`);
    for (const r of matches) {
      if (!isObject(r.obj.spec)) r.obj.spec = {};
      (r.obj.spec as JsonObject).replicas = Number(entry.count);
    }
  }
}

export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImage(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/'))
    return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, digest };
}

function formatImage(ref: ImageRef): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

function visitContainers(node: Json, visit: (container: JsonObject) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) visitContainers(item, visit);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
        for (const c of value) if (isObject(c)) visit(c);
      }
      visitContainers(value, visit);
    }
  }
}

function runImages(k: JsonObject, list: Resource[]): void {
  for (const entry of objects(k.images, 'images')) {
    for (const r of list) {
      visitContainers(r.obj, (container) => {
        if (typeof container.image !== 'string') return;
        const ref = parseImage(container.image);
        if (ref.name !== entry.name) return;
        if (typeof entry.newName === 'string') ref.name = entry.newName;
        if (entry.newTag !== undefined) {
          ref.tag = String(entry.newTag);
          ref.digest = undefined;
        }
        if (typeof entry.digest === 'string') {
          ref.digest = entry.digest;
          ref.tag = undefined;
        }
        container.image = formatImage(ref);
      });
    }
  }
}

// ---- the pipeline -------------------------------------------------------------------------------

function accumulate(dir: string, incoming: Resource[] | null): Resource[] {
  const k = loadKustomization(dir);
  const file = kustomizationFile(dir);
  for (const field of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(field)) {
      throw new KustomizeError(`${file}: field "${field}" is not supported by this renderer`);
    }
  }
  const isComponent = k.kind === 'Component';
  if (isComponent !== (incoming !== null)) {
    throw new KustomizeError(
      `${file}: kind ${String(k.kind)} used as ${incoming ? 'a component' : 'a resource'}`,
    );
  }
  let list: Resource[] = incoming ?? [];
  for (const entry of strings(k.resources, `${file} resources`)) {
    const target = path.resolve(dir, entry);
    if (!existsSync(target)) throw new KustomizeError(`${file}: resource ${entry} does not exist`);
    const added: Resource[] = statSync(target).isDirectory()
      ? accumulate(target, null)
      : loadYamlObjects(target).map((obj) => ({ obj }));
    for (const r of added) {
      if (list.some((e) => idOf(e.obj) === idOf(r.obj))) {
        throw new KustomizeError(`${file}: ${idOf(r.obj)} is defined twice`);
      }
      list.push(r);
    }
  }
  for (const entry of strings(k.components, `${file} components`)) {
    list = accumulate(path.resolve(dir, entry), list);
  }
  runGenerators(dir, k, list);
  list = runPatches(dir, k, list);
  runNamespace(k, list);
  runReplicas(k, list);
  runImages(k, list);
  return list;
}

/** Go's encoding/json escapes these where JavaScript's JSON.stringify does not. */
function goJson(value: Json): string {
  const sorted = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(sorted);
    if (isObject(v)) {
      const out: JsonObject = {};
      for (const key of Object.keys(v).sort()) out[key] = sorted(v[key]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sorted(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * kustomize's name suffix (api/hasher): sha256 of the JSON of kind, name, data (+ type for a
 * Secret), first 10 hex digits with 0,1,3,a,e mapped to g,h,k,m,t. kustomize looks the name up
 * with the path "metadata/name" as a single field name, finds nothing and hashes "" instead; a
 * missing data map hashes as "" too. Matching that keeps the suffixes identical to kustomize's.
 */
export function kustomizeHash(obj: JsonObject): string {
  const encoded: JsonObject = { kind: kindOf(obj), name: '', data: obj.data ?? '' };
  if (kindOf(obj) === 'Secret') {
    encoded.type = obj.type ?? '';
    if (isObject(obj.stringData)) encoded.stringData = obj.stringData;
  } else if (isObject(obj.binaryData)) {
    encoded.binaryData = obj.binaryData;
  }
  const hex = createHash('sha256').update(goJson(encoded)).digest('hex').slice(0, 10);
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return hex.replace(/[013ae]/g, (c) => map[c]);
}

type RefKind = 'ConfigMap' | 'Secret';

/** Every place these manifests can name a ConfigMap or Secret, with the key holding the name. */
function visitReferences(
  node: Json,
  visit: (holder: JsonObject, key: string, kind: RefKind) => void,
): void {
  if (Array.isArray(node)) {
    for (const item of node) visitReferences(item, visit);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (isObject(value)) {
      if (key === 'configMapRef' || key === 'configMapKeyRef' || key === 'configMap') {
        if (typeof value.name === 'string') visit(value, 'name', 'ConfigMap');
      } else if (key === 'secretRef' || key === 'secretKeyRef') {
        if (typeof value.name === 'string') visit(value, 'name', 'Secret');
      } else if (key === 'secret') {
        if (typeof value.secretName === 'string') visit(value, 'secretName', 'Secret');
        else if (typeof value.name === 'string') visit(value, 'name', 'Secret');
      }
    }
    if (key === 'imagePullSecrets' && Array.isArray(value)) {
      for (const item of value)
        if (isObject(item) && typeof item.name === 'string') visit(item, 'name', 'Secret');
    }
    visitReferences(value, visit);
  }
}

/** Renders a kustomization folder like `kustomize build`. */
export function renderKustomization(dir: string): JsonObject[] {
  const list = accumulate(path.resolve(dir), null);
  const renames = new Map<string, string>();
  for (const r of list) {
    if (!r.generated?.hashSuffix) continue;
    const before = nameOf(r.obj);
    const after = `${before}-${kustomizeHash(r.obj)}`;
    renames.set(`${kindOf(r.obj)}/${namespaceOf(r.obj) ?? ''}/${before}`, after);
    meta(r.obj).name = after;
  }
  for (const r of list) {
    visitReferences(r.obj, (holder, key, kind) => {
      const renamed = renames.get(`${kind}/${namespaceOf(r.obj) ?? ''}/${String(holder[key])}`);
      if (renamed) holder[key] = renamed;
    });
  }
  return list.map((r) => r.obj);
}

/** ConfigMap/Secret references of one object, for checking they all resolve. */
export function referencesOf(obj: JsonObject): Array<{ kind: RefKind; name: string }> {
  const refs: Array<{ kind: RefKind; name: string }> = [];
  visitReferences(obj, (holder, key, kind) => refs.push({ kind, name: String(holder[key]) }));
  return refs;
}
