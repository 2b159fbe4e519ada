import { loadReportClientSettings } from '@switchyard/config';
import { renderWeeklyReportMarkdown, type WeeklyReport } from '@switchyard/ledger';

export interface TextOutput {
  write(text: string): unknown;
}

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

export class ReportUsageError extends Error {}

/** The command line, checked; `now` fixes "the last N days". */
export function parseReportArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  now = new Date(),
): ReportArgs | 'help' {
  const settings = loadReportClientSettings(env);
  let days = 7;
  let since: string | undefined;
  let url = settings.localUrl;
  let key = settings.apiKey;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ReportUsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '-h' || arg === '--help') return 'help';
    else if (arg === '--week') days = 7;
    else if (arg === '--days') {
      days = Number(value());
      if (!Number.isInteger(days) || days < 1 || days > 92) {
        throw new ReportUsageError('--days must be an integer from 1 to 92');
      }
    } else if (arg === '--since') {
      since = value();
      if (Number.isNaN(Date.parse(since))) throw new ReportUsageError('--since must be ISO 8601');
    } else if (arg === '--url') {
      url = value().replace(/\/+$/, '');
      if (!/^https?:\/\//.test(url)) throw new ReportUsageError('--url must be an http(s) URL');
    } else if (arg === '--key') key = value();
    else if (arg === '--json') json = true;
    else throw new ReportUsageError(`unknown argument ${arg}`);
  }
  return {
    since: since
      ? new Date(since).toISOString()
      : new Date(now.getTime() - days * 86_400_000).toISOString(),
    url,
    key,
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
  let args: ReportArgs | 'help';
  try {
    args = parseReportArgs(argv, env);
  } catch (e) {
    if (!(e instanceof ReportUsageError)) throw e;
    err.write(`${e.message}\n${REPORT_USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    out.write(`${REPORT_USAGE}\n`);
    return 0;
  }
  const endpoint = `${args.url}/v1/reports/weekly?since=${encodeURIComponent(args.since)}`;
  let res: Response;
  try {
    res = await fetchImpl(endpoint, {
      headers: {
        accept: 'application/json',
        ...(args.key ? { authorization: `Bearer ${args.key}` } : {}),
      },
    });
  } catch (e) {
    err.write(
      `report: cannot reach ${args.url} (${(e as Error).message}); is the stack running (npm start)?\n`,
    );
    return 1;
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // not JSON: the text as it came
    }
    err.write(`report: ${args.url} answered ${res.status}: ${message}\n`);
    return 1;
  }
  const report = JSON.parse(text) as WeeklyReport;
  out.write(
    args.json ? `${JSON.stringify(report, null, 2)}\n` : renderWeeklyReportMarkdown(report),
  );
  return 0;
}
