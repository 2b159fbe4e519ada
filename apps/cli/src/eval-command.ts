import { writeFileSync } from 'node:fs';
import { loadReportClientSettings } from '@switchyard/config';
import {
  renderEvalMarkdown,
  renderEvalTable,
  type CandidateSummary,
  type EvalCheckType,
} from '@switchyard/evals';
import {
  flagValue,
  parseCommandLine,
  readStackFlag,
  sleep,
  stackRequest,
  StackRequestError,
  UsageError,
  type StackClient,
  type TextOutput,
} from './stack-client';

export const EVAL_USAGE = `usage: npm run eval -- --task TASK [--candidates all|primary|provider/model,...] [--examples N]
                     [--concurrency N] [--out report.md] [--url URL] [--key KEY] [--timeout S]
  --task T          the task to evaluate, on its dataset evals/<task>.jsonl
  --candidates C    all (the task's chain, the default), primary, or provider/model,...
  --examples N      only the first N examples of the dataset
  --concurrency N   jobs of the run in flight at once (default 4)
  --out FILE        also write the Markdown report to FILE
  --url URL         the ingress to ask (default: the local stack, http://127.0.0.1:$PORT)
  --key KEY         a key with the eval role (default: $SWITCHYARD_API_KEY; none in open mode)
  --timeout S       give up waiting after S seconds (default 1800)`;

export interface EvalArgs {
  task: string;
  candidates: 'all' | 'primary' | string[];
  examples?: number;
  concurrency?: number;
  out?: string;
  url: string;
  key?: string;
  timeoutMs: number;
}

function positiveInt(flag: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${flag} must be an integer from 1 to ${max}`);
  }
  return n;
}

export function parseCandidates(raw: string): EvalArgs['candidates'] {
  if (raw === 'all' || raw === 'primary') return raw;
  const list = raw
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const bad = list.find((c) => !/^[^/\s]+\/\S+$/.test(c));
  if (list.length === 0 || bad !== undefined) {
    throw new UsageError(
      `--candidates must be all, primary or provider/model,...${bad ? ` (not "${bad}")` : ''}`,
    );
  }
  return list;
}

export function parseEvalArgs(argv: readonly string[], env: NodeJS.ProcessEnv): EvalArgs | 'help' {
  const settings = loadReportClientSettings(env);
  const args: Partial<EvalArgs> & { url: string; key?: string } = {
    url: settings.localUrl,
    key: settings.apiKey,
    candidates: 'all',
    timeoutMs: 1_800_000,
  };
  const at = { i: 0 };
  for (; at.i < argv.length; at.i++) {
    const arg = argv[at.i];
    const value = flagValue(argv, at, arg);
    if (arg === '-h' || arg === '--help') return 'help';
    if (readStackFlag(arg, value, args)) continue;
    if (arg === '--task') args.task = value();
    else if (arg === '--candidates') args.candidates = parseCandidates(value());
    else if (arg === '--examples') args.examples = positiveInt(arg, value(), 100_000);
    else if (arg === '--concurrency') args.concurrency = positiveInt(arg, value(), 64);
    else if (arg === '--out') args.out = value();
    else if (arg === '--timeout') args.timeoutMs = positiveInt(arg, value(), 86_400) * 1000;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (!args.task) throw new UsageError('--task is required');
  return args as EvalArgs;
}

/** A run as GET /v1/evals/:id returns it (the fields the CLI reads). */
export interface EvalRunBody {
  id: string;
  task: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { done: number; total: number };
  candidates: CandidateSummary[];
  examples?: Array<{
    id: string;
    candidate: string;
    model_revision: string | null;
    score: number;
    checks: Array<{ type: EvalCheckType; score: number; detail: string }>;
    error: { type: string; message: string } | null;
  }>;
  notes?: string[];
  error?: string | null;
  created_at?: string;
  finished_at?: string | null;
}

/** Starts a run and follows it to its end; `onProgress` hears each change of `done`. */
export async function runEvalOnStack(
  client: StackClient,
  body: Record<string, unknown>,
  options: { timeoutMs: number; pollMs?: number; onProgress?: (run: EvalRunBody) => void },
): Promise<EvalRunBody> {
  const started = await stackRequest<{ id: string }>(client, 'POST', '/v1/evals', body);
  const giveUpAt = Date.now() + options.timeoutMs;
  let lastDone = -1;
  for (;;) {
    const run = await stackRequest<EvalRunBody>(client, 'GET', `/v1/evals/${started.id}`);
    if (run.progress.done !== lastDone) {
      lastDone = run.progress.done;
      options.onProgress?.(run);
    }
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    if (Date.now() > giveUpAt) {
      throw new StackRequestError(
        `run ${run.id} did not finish in time (${run.progress.done}/${run.progress.total})`,
      );
    }
    await sleep(options.pollMs ?? 500);
  }
}

export function reportOf(run: EvalRunBody): Parameters<typeof renderEvalMarkdown>[0] {
  return {
    id: run.id,
    task: run.task,
    status: run.status,
    created_at: run.created_at,
    finished_at: run.finished_at ?? undefined,
    candidates: run.candidates,
    examples: (run.examples ?? []).map((e) => ({
      ...e,
      model_revision: e.model_revision ?? undefined,
    })),
  };
}

/** `npm run eval`: one evaluation run against a running stack, its table, and the Markdown report. */
export async function runEval(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: TextOutput,
  err: TextOutput,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const args = parseCommandLine(() => parseEvalArgs(argv, env), EVAL_USAGE, out, err);
  if (typeof args === 'number') return args;
  let run: EvalRunBody;
  try {
    run = await runEvalOnStack(
      { url: args.url, key: args.key, fetchImpl },
      {
        task: args.task,
        candidates: args.candidates,
        ...(args.examples !== undefined && { examples: args.examples }),
        ...(args.concurrency !== undefined && { concurrency: args.concurrency }),
      },
      {
        timeoutMs: args.timeoutMs,
        onProgress: (r) =>
          err.write(`eval ${r.id}: ${r.status}, ${r.progress.done}/${r.progress.total}\n`),
      },
    );
  } catch (e) {
    if (!(e instanceof StackRequestError)) throw e;
    err.write(`eval: ${e.message}\n`);
    return 1;
  }
  if (run.status === 'failed') {
    err.write(`eval: run ${run.id} failed: ${run.error ?? 'unknown error'}\n`);
    return 1;
  }
  out.write(`${args.task}: run ${run.id}\n${renderEvalTable(run.candidates)}`);
  for (const note of run.notes ?? []) out.write(`note: ${note}\n`);
  if (args.out) {
    writeFileSync(args.out, renderEvalMarkdown(reportOf(run)));
    out.write(`report written to ${args.out}\n`);
  }
  return 0;
}
