import { loadReportClientSettings } from '@switchyard/config';
import { renderSuggestion, suggestOrdering } from '@switchyard/evals';
import type { EvalRunBody } from './eval-command';
import {
  flagValue,
  readStackFlag,
  stackRequest,
  StackRequestError,
  UsageError,
  type TextOutput,
} from './stack-client';

export const SUGGEST_USAGE = `usage: npm run routes:suggest -- --task TASK [--url URL] [--key KEY]
  Proposes an ordering of the task's candidates from its latest finished evaluation run
  (score first, then cost, then latency), with the trade-offs. It never writes the routes file.`;

/** `npm run routes:suggest`: a proposed primary and fallbacks from the latest stored run. */
export async function runRoutesSuggest(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: TextOutput,
  err: TextOutput,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const settings = loadReportClientSettings(env);
  const target: { url: string; key?: string; task?: string } = {
    url: settings.localUrl,
    key: settings.apiKey,
  };
  try {
    const at = { i: 0 };
    for (; at.i < argv.length; at.i++) {
      const arg = argv[at.i];
      const value = flagValue(argv, at, arg);
      if (arg === '-h' || arg === '--help') {
        out.write(`${SUGGEST_USAGE}\n`);
        return 0;
      }
      if (readStackFlag(arg, value, target)) continue;
      if (arg === '--task') target.task = value();
      else throw new UsageError(`unknown argument ${arg}`);
    }
    if (!target.task) throw new UsageError('--task is required');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`${e.message}\n${SUGGEST_USAGE}\n`);
    return 2;
  }
  const client = { url: target.url, key: target.key, fetchImpl };
  try {
    const { evals } = await stackRequest<{ evals: EvalRunBody[] }>(
      client,
      'GET',
      `/v1/evals?task=${encodeURIComponent(target.task)}&limit=100`,
    );
    const latest = evals.find((r) => r.status === 'succeeded');
    if (!latest) {
      err.write(
        `routes:suggest: no finished evaluation run of task "${target.task}"; run npm run eval -- --task ${target.task} first\n`,
      );
      return 1;
    }
    out.write(`from run ${latest.id} (${latest.finished_at ?? latest.created_at})\n`);
    out.write(renderSuggestion(target.task, suggestOrdering(latest.candidates)));
    return 0;
  } catch (e) {
    if (!(e instanceof StackRequestError)) throw e;
    err.write(`routes:suggest: ${e.message}\n`);
    return 1;
  }
}
