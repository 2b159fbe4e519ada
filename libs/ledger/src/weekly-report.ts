import type { LedgerReportData } from './ledger-reports.types';

export interface WeeklyTaskRow {
  task: string;
  calls: number;
  jobs: number;
  spend_usd: number;
  /** spend_usd / jobs × 1000; null without jobs */
  cost_per_1000_jobs_usd: number | null;
  /** Share of jobs with a successful call; null without jobs */
  success_rate: number | null;
  /** Share of jobs that ran on a fallback; null without jobs */
  fallback_rate: number | null;
  /** One entry per day of the window, zero-filled */
  spend_per_day: Array<{ day: string; spend_usd: number }>;
}

export interface ProviderIncidents {
  provider: string;
  /** Openings of the provider's own circuit */
  incidents: number;
  /** Openings of its provider/model circuits, per model id */
  model_incidents: Record<string, number>;
}

export interface WeeklyReport {
  since: string;
  until: string;
  /** Every UTC day the window touches, oldest first */
  days: string[];
  tasks: WeeklyTaskRow[];
  providers: ProviderIncidents[];
  totals: { jobs: number; spend_usd: number; incidents: number };
}

export interface WeeklyReportInput {
  ledger: LedgerReportData;
  /** Circuit openings inside the window (key: provider or provider/model) */
  openings: Array<{ key: string; at: number }>;
  /** The routing table's providers, so a provider without incidents still shows 0 */
  providers: string[];
}

/** Every UTC day from since's to the one just before until. */
export function reportDays(since: string, until: string): string[] {
  const days: string[] = [];
  const end = new Date(until).getTime();
  for (let t = Date.parse(since.slice(0, 10)); t < end; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

const rate = (n: number, of: number): number | null => (of > 0 ? n / of : null);

/** The ledger's totals and the breaker's openings as one report. */
export function buildWeeklyReport(input: WeeklyReportInput): WeeklyReport {
  const { ledger } = input;
  const days = reportDays(ledger.since, ledger.until);
  const tasks = ledger.tasks.map((t): WeeklyTaskRow => {
    const byDay = new Map(
      ledger.daily.filter((d) => d.task === t.task).map((d) => [d.day, d.spend_usd]),
    );
    return {
      task: t.task,
      calls: t.calls,
      jobs: t.jobs,
      spend_usd: t.spend_usd,
      cost_per_1000_jobs_usd: t.jobs > 0 ? (t.spend_usd / t.jobs) * 1000 : null,
      success_rate: rate(t.succeeded_jobs, t.jobs),
      fallback_rate: rate(t.fallback_jobs, t.jobs),
      spend_per_day: days.map((day) => ({ day, spend_usd: byDay.get(day) ?? 0 })),
    };
  });
  const providerNames = [
    ...new Set([...input.providers, ...input.openings.map((o) => o.key.split('/')[0])]),
  ].sort();
  const providers = providerNames.map((provider): ProviderIncidents => {
    const model_incidents: Record<string, number> = {};
    let incidents = 0;
    for (const o of input.openings) {
      if (o.key === provider) incidents++;
      else if (o.key.startsWith(`${provider}/`)) {
        model_incidents[o.key] = (model_incidents[o.key] ?? 0) + 1;
      }
    }
    return { provider, incidents, model_incidents };
  });
  return {
    since: ledger.since,
    until: ledger.until,
    days,
    tasks,
    providers,
    totals: {
      jobs: tasks.reduce((n, t) => n + t.jobs, 0),
      spend_usd: tasks.reduce((n, t) => n + t.spend_usd, 0),
      incidents: providers.reduce((n, p) => n + p.incidents, 0),
    },
  };
}

const usd = (v: number | null): string => (v === null ? '–' : `$${v.toFixed(4)}`);
const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

/** The report as Markdown, for `npm run report -- --week` (a weekly review's starting point). */
export function renderWeeklyReportMarkdown(report: WeeklyReport): string {
  const lines = [
    `# Switchyard report: ${report.since.slice(0, 10)} to ${report.until.slice(0, 10)}`,
    '',
    `${report.totals.jobs} jobs, ${usd(report.totals.spend_usd)} spent, ` +
      `${report.totals.incidents} provider incidents (circuit openings).`,
    '',
    '## Tasks',
    '',
    '| task | jobs | spend | cost per 1,000 jobs | success rate | fallback rate |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.tasks.map(
      (t) =>
        `| ${t.task} | ${t.jobs} | ${usd(t.spend_usd)} | ${usd(t.cost_per_1000_jobs_usd)} | ` +
        `${pct(t.success_rate)} | ${pct(t.fallback_rate)} |`,
    ),
  ];
  if (report.tasks.length === 0) lines.push('| (no calls in this window) | | | | | |');
  lines.push(
    '',
    '## Spend per day',
    '',
    `| day | ${report.tasks.map((t) => t.task).join(' | ')} |`,
    `| --- | ${report.tasks.map(() => '---:').join(' | ')} |`,
    ...report.days.map(
      (day, i) =>
        `| ${day} | ${report.tasks.map((t) => usd(t.spend_per_day[i].spend_usd)).join(' | ')} |`,
    ),
    '',
    '## Provider incidents',
    '',
    '| provider | circuit openings | model circuit openings |',
    '| --- | ---: | --- |',
    ...report.providers.map((p) => {
      const models = Object.entries(p.model_incidents)
        .map(([model, n]) => `${model}: ${n}`)
        .join(', ');
      return `| ${p.provider} | ${p.incidents} | ${models || '–'} |`;
    }),
    '',
  );
  return lines.join('\n');
}
