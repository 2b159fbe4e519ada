/** One step of a JSON path: an object key or an array index. */
export type JsonPathSegment = string | number;

export type JsonPathParse =
  { ok: true; segments: JsonPathSegment[] } | { ok: false; problem: string };

const IDENTIFIER = /^[A-Za-z_$][\w$-]*/;

/**
 * Parses the dataset's JSON paths: `$`, then any of `.key`, `[0]` and `["key with spaces"]`
 * (or single quotes). No wildcards or filters: a check names exactly one value.
 */
export function parseJsonPath(path: string): JsonPathParse {
  if (!path.startsWith('$')) return { ok: false, problem: 'must start with $ (e.g. $.total)' };
  const segments: JsonPathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('.')) {
      const key = IDENTIFIER.exec(rest.slice(1))?.[0];
      if (!key) return { ok: false, problem: `expected a key after "." at "${rest}"` };
      segments.push(key);
      rest = rest.slice(1 + key.length);
      continue;
    }
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      continue;
    }
    const quoted = /^\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/.exec(rest);
    if (quoted) {
      segments.push((quoted[1] ?? quoted[2]).replace(/\\(.)/g, '$1'));
      rest = rest.slice(quoted[0].length);
      continue;
    }
    return { ok: false, problem: `expected .key, [index] or ["key"] at "${rest}"` };
  }
  return { ok: true, segments };
}

export type JsonPathLookup = { found: true; value: unknown } | { found: false; missing: string };

/** The value at already-parsed `segments`, or where the path stopped matching. */
export function readJsonPath(root: unknown, segments: readonly JsonPathSegment[]): JsonPathLookup {
  let current: unknown = root;
  let walked = '$';
  for (const segment of segments) {
    const step = typeof segment === 'number' ? `[${segment}]` : `.${segment}`;
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) {
        return { found: false, missing: `${walked}${step}` };
      }
      current = current[segment];
    } else {
      if (
        current === null ||
        typeof current !== 'object' ||
        Array.isArray(current) ||
        !Object.prototype.hasOwnProperty.call(current, segment)
      ) {
        return { found: false, missing: `${walked}${step}` };
      }
      current = (current as Record<string, unknown>)[segment];
    }
    walked += step;
  }
  return { found: true, value: current };
}

/** Structural equality of JSON values: key order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  return (
    keys.length === Object.keys(bo).length &&
    keys.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k], bo[k]))
  );
}
