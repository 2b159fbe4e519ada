import { PatternBudget } from './pattern-budget';
import { META_SCHEMA_URI, type SchemaDraft } from './schema-drafts';

export interface SchemaProblem {
  /** JSON path inside the schema, e.g. `.properties.total.$ref` (empty for the schema itself) */
  path: string;
  problem: string;
}

type Node = Record<string, unknown>;

// Keywords whose value is a schema, an array of schemas, or a map of name → schema. Values of
// other keywords (`enum`, `const`, `default`, `examples`) are data: an `$id` there is no resource.
const SCHEMA_VALUED = [
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
  'items',
];
const SCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SCHEMA_MAPS = [
  '$defs',
  'definitions',
  'properties',
  'patternProperties',
  'dependentSchemas',
  'dependencies',
];

// ajv resolves ids relative to "" when the root has none; a fixed placeholder base lets URL do
// the same relative resolution (a ref to "other.json" lands on a resource nobody declares).
const PLACEHOLDER_BASE = 'https://schema.switchyard.invalid/root';

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveUri(ref: string, base: string): string | null {
  try {
    return new URL(ref, base).href;
  } catch {
    return null;
  }
}

function splitFragment(uri: string): [string, string] {
  const hash = uri.indexOf('#');
  return hash < 0 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash + 1)];
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function pointerTarget(root: unknown, pointer: string): boolean {
  let current: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment) || Number(segment) >= current.length) return false;
      current = current[Number(segment)];
    } else if (isNode(current) && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = current[segment];
    } else {
      return false;
    }
  }
  return true;
}

function pathOf(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : `${parent}.${key}`;
}

/**
 * What the meta-schema cannot see, found by walking the schema once without compiling it:
 * `pattern`s and `patternProperties` keys RE2 cannot run (ajv checks no formats when validating
 * against a meta-schema), `$ref`s ajv would fail to resolve (it fetches nothing remote) and
 * `$id`s declared twice. With the meta-schema check this lets the ingress accept exactly the
 * schemas a worker can compile, at a cost linear in the schema's size.
 */
export function walkProblems(
  schema: Node,
  draft: SchemaDraft,
  patterns: PatternBudget = new PatternBudget(),
): SchemaProblem[] {
  const resources = new Map<string, { node: Node; path: string }>();
  const anchors = new Set<string>();
  const refs: Array<{ ref: string; base: string; path: string }> = [];
  const problems: SchemaProblem[] = [];

  const visit = (node: unknown, base: string, path: string): void => {
    if (!isNode(node)) return;
    let here = base;
    const id = node.$id;
    if (typeof id === 'string') {
      if (draft === 'draft-07' && id.startsWith('#')) {
        anchors.add(`${splitFragment(base)[0]}${id}`);
      } else {
        const resolved = resolveUri(id, base);
        if (resolved === null) {
          problems.push({
            path: pathOf(path, '$id'),
            problem: `"${id}" is not a valid URI reference`,
          });
        } else {
          here = splitFragment(resolved)[0];
          const earlier = resources.get(here);
          if (earlier && earlier.node !== node) {
            problems.push({
              path: pathOf(path, '$id'),
              problem: `"${id}" is declared twice in this schema (also at ${earlier.path || 'the root'})`,
            });
          } else {
            resources.set(here, { node, path });
          }
        }
      }
    }
    for (const keyword of ['$anchor', '$dynamicAnchor']) {
      const anchor = node[keyword];
      if (typeof anchor === 'string') anchors.add(`${here}#${anchor}`);
    }
    if (typeof node.pattern === 'string') {
      const problem = patterns.problem(node.pattern);
      if (problem) problems.push({ path: pathOf(path, 'pattern'), problem });
    }
    if (isNode(node.patternProperties)) {
      for (const key of Object.keys(node.patternProperties)) {
        const problem = patterns.problem(key);
        if (problem)
          problems.push({
            path: pathOf(pathOf(path, 'patternProperties'), key),
            problem: `(the key) ${problem}`,
          });
      }
    }
    for (const keyword of ['$ref', '$dynamicRef']) {
      const ref = node[keyword];
      if (typeof ref === 'string') refs.push({ ref, base: here, path: pathOf(path, keyword) });
    }
    for (const keyword of SCHEMA_VALUED) {
      if (isNode(node[keyword])) visit(node[keyword], here, pathOf(path, keyword));
    }
    for (const keyword of SCHEMA_ARRAYS) {
      const list = node[keyword];
      if (Array.isArray(list)) {
        list.forEach((item, i) => visit(item, here, pathOf(pathOf(path, keyword), i)));
      }
    }
    for (const keyword of SCHEMA_MAPS) {
      const map = node[keyword];
      if (!isNode(map)) continue;
      for (const [name, sub] of Object.entries(map))
        visit(sub, here, pathOf(pathOf(path, keyword), name));
    }
  };

  resources.set(PLACEHOLDER_BASE, { node: schema, path: '' });
  visit(schema, PLACEHOLDER_BASE, '');

  const metaSchema = META_SCHEMA_URI[draft];
  for (const { ref, base, path } of refs) {
    const resolved = resolveUri(ref, base);
    const [resourceUri, rawFragment] = resolved ? splitFragment(resolved) : ['', ''];
    const fragment = safeDecode(rawFragment);
    const resource = resources.get(resourceUri);
    let ok = false;
    if (resolved !== null && fragment !== null) {
      if (
        resourceUri === metaSchema ||
        resourceUri.startsWith(`${metaSchema.replace(/schema$/, '')}meta/`)
      ) {
        ok = true; // ajv ships the meta-schemas
      } else if (resource) {
        ok =
          fragment === '' ||
          (fragment.startsWith('/')
            ? pointerTarget(resource.node, fragment)
            : anchors.has(`${resourceUri}#${fragment}`));
      }
    }
    if (!ok) {
      problems.push({
        path,
        problem: `"${ref.slice(0, 200)}" does not resolve within this schema (remote references are not fetched)`,
      });
    }
  }
  return problems;
}
