import { loadReportClientSettings } from '@switchyard/config';
import { renderWeeklyReportMarkdown, type WeeklyReport } from '@switchyard/ledger';
import {
  flagValue,
  parseCommandLine,
  readStackFlag,
  stackRequest,
  StackRequestError,
  UsageError,
  type TextOutput,
} from './stack-client';

export const REPORT_USAGE = `usage: npm run report -- --week [--days N] [--since ISO] [--url URL] [--key KEY] [--json]
  --week        the last 7 days (the default window)
  --days N      the last N days (1 to 92), e.g. --days 30
  --since ISO   from this instant instead
  --url URL     the ingress to ask (default: the local stack, http://127.0.0.1:$PORT)
  --key KEY     the tenant API key (default: $SWITCHYARD_API_KEY; none in open mode)
  --json        print GET /v1/reports/weekly's JSON instead of Markdown`;

export interface ReportArgs {
  since: string;
  url: string;
  key?: string;
  json: boolean;
}

/** The command line, checked; `now` fixes "the last N days". */
export function parseReportArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  now = new Date(),
): ReportArgs | 'help' {
  const settings = loadReportClientSettings(env);
  let days = 7;
  let since: string | undefined;
  const target: { url: string; key?: string } = { url: settings.localUrl, key: settings.apiKey };
  let json = false;
  const at = { i: 0 };
  for (; at.i < argv.length; at.i++) {
    const arg = argv[at.i];
    const value = flagValue(argv, at, arg);
    if (arg === '-h' || arg === '--help') return 'help';
    if (readStackFlag(arg, value, target)) continue;
    if (arg === '--week') days = 7;
    else if (arg === '--days') {
      days = Number(value());
      if (!Number.isInteger(days) || days < 1 || days > 92) {
        throw new UsageError('--days must be an integer from 1 to 92');
      }
    } else if (arg === '--since') {
      since = value();
      if (Number.isNaN(Date.parse(since))) throw new UsageError('--since must be ISO 8601');
    } else if (arg === '--json') json = true;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  return {
    since: since
      ? new Date(since).toISOString()
      : new Date(now.getTime() - days * 86_400_000).toISOString(),
    url: target.url,
    key: target.key,
    json,
  };
}

/** `npm run report`: the weekly economics report of one tenant, as Markdown (or JSON). */
export async function runReport(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: TextOutput,
  err: TextOutput,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const args = parseCommandLine(() => parseReportArgs(argv, env), REPORT_USAGE, out, err);
  if (typeof args === 'number') return args;
  let report: WeeklyReport;
  try {
    report = await stackRequest<WeeklyReport>(
      { url: args.url, key: args.key, fetchImpl },
      'GET',
      `/v1/reports/weekly?since=${encodeURIComponent(args.since)}`,
    );
  } catch (e) {
    if (!(e instanceof StackRequestError)) throw e;
    err.write(`report: ${e.message}\n`);
    return 1;
  }
  out.write(
    args.json ? `${JSON.stringify(report, null, 2)}\n` : renderWeeklyReportMarkdown(report),
  );
  return 0;
}
