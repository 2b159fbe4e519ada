import { readFileSync } from 'node:fs';
import { RoutingTableError } from '../routing-table-error';
import type { LoadedRoutingTable } from '../routing-table.types';
import { errorCode } from './model-catalog';
import { parseRoutingTable, type RoutingTableOptions } from './parse-routing-table';

/** Reads and validates a routes file; throws RoutingTableError with every problem found. */
export function loadRoutingTable(
  path: string,
  env: Readonly<NodeJS.ProcessEnv>,
  options: RoutingTableOptions = {},
): LoadedRoutingTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RoutingTableError(path, [
      { path, message: `cannot read the routes file (${errorCode(error)})` },
    ]);
  }
  return parseRoutingTable(text, path, env, options);
}
