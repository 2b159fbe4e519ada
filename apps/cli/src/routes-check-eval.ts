import { resolve } from 'node:path';
import { loadReportClientSettings } from '@switchyard/config';
import { renderEvalTable } from '@switchyard/evals';
import {
  DEFAULT_ROUTES_PATH,
  loadRoutingTable,
  RoutingTableError,
  type RoutingTable,
  type RoutingTableOptions,
} from '@switchyard/routing';
import { runEvalOnStack } from './eval-command';
import { changedTasks, gateVerdict, type GateTask } from './eval-gate';
import {
  flagValue,
  readStackFlag,
  stackRequest,
  StackRequestError,
  UsageError,
  type TextOutput,
} from './stack-client';

export const CHECK_EVAL_USAGE = `usage: npm run routes:check -- --eval [file] [--base FILE] [--url URL] [--key KEY] [--timeout S]
  Validates file (default $SWITCHYARD_ROUTES or ./routes.yaml), then evaluates every task whose
  chain differs from --base FILE (default: the table in force on the stack at --url) on its dataset,
  its new primary against its old one, and fails when a new primary scores below the task's
  evals.min_score or more than evals.max_drop (default 0.05) below the old primary.`;

/** `routes:check --eval`: gate a routing-table change on the team's own examples. */
export async function runRoutesCheckEval(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: TextOutput,
  err: TextOutput,
  options: RoutingTableOptions & { fetchImpl?: typeof fetch } = {},
): Promise<number> {
  const settings = loadReportClientSettings(env);
  const target: { url: string; key?: string } = { url: settings.localUrl, key: settings.apiKey };
  let file: string | undefined;
  let baseFile: string | undefined;
  let timeoutMs = 1_800_000;
  try {
    const at = { i: 0 };
    for (; at.i < argv.length; at.i++) {
      const arg = argv[at.i];
      const value = flagValue(argv, at, arg);
      if (arg === '-h' || arg === '--help') {
        out.write(`${CHECK_EVAL_USAGE}\n`);
        return 0;
      }
      if (arg === '--eval') continue;
      if (readStackFlag(arg, value, target)) continue;
      if (arg === '--base') baseFile = value();
      else if (arg === '--timeout') {
        timeoutMs = Number(value()) * 1000;
        if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
          throw new UsageError('--timeout must be a whole number of seconds');
      } else if (!arg.startsWith('--') && file === undefined) file = arg;
      else throw new UsageError(`unknown argument ${arg}`);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`${e.message}\n${CHECK_EVAL_USAGE}\n`);
    return 2;
  }
  const path = file ?? (env.SWITCHYARD_ROUTES || DEFAULT_ROUTES_PATH);
  const next = load(path, env, options, out);
  if (!next) return 1;
  const client = { url: target.url, key: target.key, fetchImpl: options.fetchImpl ?? fetch };
  let base: Record<string, GateTask>;
  try {
    if (baseFile) {
      const loaded = load(baseFile, env, options, out);
      if (!loaded) return 1;
      base = loaded.tasks;
    } else {
      base = (await stackRequest<RoutingTable>(client, 'GET', '/v1/routes')).tasks;
    }
  } catch (e) {
    if (!(e instanceof StackRequestError)) throw e;
    err.write(`routes:check: ${e.message}\n`);
    return 1;
  }
  const changes = changedTasks(base, next.tasks);
  const against = baseFile ?? `the table in force at ${target.url}`;
  if (changes.length === 0) {
    out.write(`${path}: no task's chain differs from ${against}; nothing to evaluate\n`);
    return 0;
  }
  let failed = 0;
  for (const change of changes) {
    const task = next.tasks[change.task];
    const candidates = [...new Set([change.newPrimary, change.oldPrimary ?? change.newPrimary])];
    out.write(
      `${change.task}: chain changed; evaluating ${candidates.join(' and ')}${task.evals?.examples ? ` on ${task.evals.examples} examples` : ''}\n`,
    );
    try {
      const run = await runEvalOnStack(
        client,
        {
          task: change.task,
          candidates,
          ...(task.evals?.examples !== undefined && { examples: task.evals.examples }),
        },
        { timeoutMs },
      );
      if (run.status !== 'succeeded')
        throw new StackRequestError(`run ${run.id} failed: ${run.error}`);
      out.write(renderEvalTable(run.candidates));
      const verdict = gateVerdict(change, run.candidates, task.evals);
      out.write(`${verdict.ok ? 'pass' : 'FAIL'}: ${verdict.summary} (run ${run.id})\n`);
      for (const reason of verdict.reasons) out.write(`  ${reason}\n`);
      if (!verdict.ok) failed++;
    } catch (e) {
      if (!(e instanceof StackRequestError)) throw e;
      out.write(`FAIL: ${change.task}: ${e.message}\n`);
      failed++;
    }
  }
  out.write(
    `${path}: ${changes.length} changed task(s) evaluated against ${against}, ${failed} failed\n`,
  );
  return failed > 0 ? 1 : 0;
}

function load(
  path: string,
  env: NodeJS.ProcessEnv,
  options: RoutingTableOptions,
  out: TextOutput,
): RoutingTable | undefined {
  try {
    return loadRoutingTable(resolve(path), env, options).table;
  } catch (error) {
    if (!(error instanceof RoutingTableError)) throw error;
    for (const issue of error.issues) out.write(`error: ${issue.path}: ${issue.message}\n`);
    out.write(`${path}: invalid, ${error.issues.length} error(s)\n`);
    return undefined;
  }
}
