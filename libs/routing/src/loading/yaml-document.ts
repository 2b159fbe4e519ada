import { parseDocument } from 'yaml';
import type { RoutingIssue } from '../routing-table.types';

export interface YamlParseResult {
  value: unknown;
  issues: RoutingIssue[];
}

/**
 * Parses YAML into plain data. Syntax errors, and duplicate keys (which YAML forbids and which
 * would otherwise silently drop a task), are reported with their line and column.
 */
export function parseYaml(text: string): YamlParseResult {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      value: undefined,
      issues: document.errors.map((error) => {
        const position = error.linePos?.[0];
        return {
          path: position ? `line ${position.line}, column ${position.col}` : '(yaml)',
          message: firstLine(error.message),
        };
      }),
    };
  }
  return { value: document.toJS({ maxAliasCount: 1000 }), issues: [] };
}

/** The message without the position and source excerpt that prettyErrors appends. */
function firstLine(message: string): string {
  return message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}
