import { resolve } from 'node:path';
import {
  DEFAULT_ROUTES_PATH,
  loadRoutingTable,
  RoutingTableError,
  type RoutingIssue,
  type RoutingTableOptions,
} from '@switchyard/routing';

export interface TextOutput {
  write(text: string): unknown;
}

const USAGE = 'usage: routes-check [file]   (default: $SWITCHYARD_ROUTES or ./routes.yaml)';

/**
 * `routes:check`: validates a routes file the way the services will load it, prints every error
 * and warning with its path and a summary, and returns the exit code (1 if there are errors).
 */
export function runRoutesCheck(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: TextOutput,
  options: RoutingTableOptions = {},
): number {
  if (argv.includes('-h') || argv.includes('--help')) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  if (argv.length > 1) {
    out.write(`${USAGE}\n`);
    return 2;
  }
  const file = argv[0] ?? (env.SWITCHYARD_ROUTES || DEFAULT_ROUTES_PATH);
  let errors: RoutingIssue[] = [];
  let warnings: RoutingIssue[] = [];
  let counts = '';
  try {
    const loaded = loadRoutingTable(resolve(file), env, options);
    warnings = loaded.warnings;
    const { providers, models, tasks } = loaded.table;
    counts = ` (${plural(Object.keys(providers).length, 'provider')}, ${plural(Object.keys(models).length, 'usable model')}, ${plural(Object.keys(tasks).length, 'task')})`;
  } catch (error) {
    if (!(error instanceof RoutingTableError)) throw error;
    errors = error.issues;
  }
  for (const issue of errors) out.write(`error: ${issue.path}: ${issue.message}\n`);
  for (const issue of warnings) out.write(`warning: ${issue.path}: ${issue.message}\n`);
  const verdict = errors.length > 0 ? 'invalid' : 'ok';
  out.write(
    `${file}: ${verdict}, ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}${counts}\n`,
  );
  return errors.length > 0 ? 1 : 0;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
