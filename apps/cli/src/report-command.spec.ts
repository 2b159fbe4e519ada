import { renderWeeklyReportMarkdown, type WeeklyReport } from '@switchyard/ledger';
import { parseReportArgs } from './report-command';

const NOW = new Date('2026-12-01T12:00:00.000Z');

describe('npm run report arguments', () => {
  it('defaults to the last 7 days of the local stack, with the key from SWITCHYARD_API_KEY', () => {
    expect(parseReportArgs(['--week'], { PORT: '3100', SWITCHYARD_API_KEY: 'k1' }, NOW)).toEqual({
      since: '2026-11-24T12:00:00.000Z',
      url: 'http://127.0.0.1:3100',
      key: 'k1',
      json: false,
    });
  });

  it('takes --days, --since, --url, --key and --json', () => {
    expect(
      parseReportArgs(['--days', '30', '--url', 'http://sy:3000/', '--json'], {}, NOW),
    ).toEqual({
      since: '2026-11-01T12:00:00.000Z',
      url: 'http://sy:3000',
      key: undefined,
      json: true,
    });
    expect(parseReportArgs(['--since', '2026-11-30', '--key', 'k2'], {}, NOW)).toMatchObject({
      since: '2026-11-30T00:00:00.000Z',
      key: 'k2',
    });
  });

  it('refuses what it does not understand', () => {
    expect(() => parseReportArgs(['--days', '0'], {}, NOW)).toThrow(
      '--days must be an integer from 1 to 92',
    );
    expect(() => parseReportArgs(['--since', 'last tuesday'], {}, NOW)).toThrow(
      '--since must be ISO 8601',
    );
    expect(() => parseReportArgs(['--url'], {}, NOW)).toThrow('--url needs a value');
    expect(() => parseReportArgs(['--month'], {}, NOW)).toThrow('unknown argument --month');
    expect(parseReportArgs(['--help'], {}, NOW)).toBe('help');
  });
});

describe('the weekly report as Markdown', () => {
  const report: WeeklyReport = {
    since: '2026-11-29T00:00:00.000Z',
    until: '2026-12-01T00:00:00.000Z',
    days: ['2026-11-29', '2026-11-30'],
    tasks: [
      {
        task: 'extraction',
        calls: 4,
        jobs: 3,
        spend_usd: 0.04,
        cost_per_1000_jobs_usd: 13.333333,
        success_rate: 2 / 3,
        fallback_rate: 1 / 3,
        spend_per_day: [
          { day: '2026-11-29', spend_usd: 0.01 },
          { day: '2026-11-30', spend_usd: 0.03 },
        ],
      },
    ],
    providers: [
      { provider: 'google', incidents: 0, model_incidents: {} },
      { provider: 'openai', incidents: 2, model_incidents: { 'openai/gpt-4o-mini': 1 } },
    ],
    totals: { jobs: 3, spend_usd: 0.04, incidents: 2 },
  };

  it('has the totals, a row per task, spend per day and incidents per provider', () => {
    const md = renderWeeklyReportMarkdown(report);
    expect(md).toContain('# Switchyard report: 2026-11-29 to 2026-12-01');
    expect(md).toContain('3 jobs, $0.0400 spent, 2 provider incidents (circuit openings).');
    expect(md).toContain('| extraction | 3 | $0.0400 | $13.3333 | 66.7 % | 33.3 % |');
    expect(md).toContain('| day | extraction |');
    expect(md).toContain('| 2026-11-30 | $0.0300 |');
    expect(md).toContain('| openai | 2 | openai/gpt-4o-mini: 1 |');
    expect(md).toContain('| google | 0 | – |');
  });
});
