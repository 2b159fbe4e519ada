import type { RoutingIssue } from '../routing-table.types';
import { childPath, indexPath } from '../validation/issue-path';

export interface InterpolationResult {
  value: unknown;
  issues: RoutingIssue[];
  /** Paths whose value came (at least partly) from the environment; never echoed in messages. */
  fromEnv: Set<string>;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value of the parsed YAML (keys are left
 * alone). As in the shell, the default applies when VAR is unset or empty. Substituting after
 * parsing keeps each value's path for error messages; because YAML already typed the value as a
 * string, a value that is exactly one reference is re-typed the way YAML would type the result
 * (`concurrency: ${N:-8}` gives the number 8, `true`/`false` give booleans).
 */
export function interpolateEnv(tree: unknown, env: NodeJS.ProcessEnv): InterpolationResult {
  const issues: RoutingIssue[] = [];
  const fromEnv = new Set<string>();

  const visit = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return substitute(node, path);
    if (Array.isArray(node)) return node.map((item, i) => visit(item, indexPath(path, i)));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node))
        out[key] = visit(child, childPath(path, key));
      return out;
    }
    return node;
  };

  const substitute = (text: string, path: string): unknown => {
    if (!text.includes('${')) return text;
    let missing = false;
    const result = text.replace(REFERENCE, (_match, name: string, fallback?: string) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      if (value === undefined) {
        missing = true;
        issues.push({
          path,
          message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
        });
      }
      return '';
    });
    if (missing) return undefined;
    fromEnv.add(path);
    return WHOLE_REFERENCE.test(text.trim()) ? retype(result) : result;
  };

  return { value: visit(tree, ''), issues, fromEnv };
}

function retype(text: string): unknown {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return text;
}
