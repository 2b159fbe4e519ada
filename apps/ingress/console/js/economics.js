import { api, daysAgo } from './api.js';
import { stackedBars } from './charts.js';
import { card, clear, errorBox, h, num, table } from './dom.js';
import { pct, usd, utc } from './format.js';

/** The weekly report (GET /v1/reports/weekly) for the last 7 or 30 days. */
export async function renderEconomics(root, params, navigate) {
  const days = params.get('days') === '30' ? 30 : 7;
  const toggle = h(
    'div',
    { class: 'toolbar', role: 'group', 'aria-label': 'window' },
    h('h1', {}, 'Economics'),
    [7, 30].map((n) =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': n === days ? 'true' : 'false',
          onclick: () => navigate('economics', { days: n }),
        },
        `last ${n} days`,
      ),
    ),
  );
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  clear(root).append(toggle, body);
  let report;
  try {
    report = await api('/v1/reports/weekly', { since: daysAgo(days) });
  } catch (err) {
    clear(body).append(errorBox(err));
    return;
  }
  const chart = h('div', {});
  const taskRows = report.tasks.map((t) =>
    h(
      'tr',
      { 'data-report-task': t.task },
      h('td', { class: 'mono' }, t.task),
      num(t.jobs),
      num(usd(t.spend_usd)),
      num(usd(t.cost_per_1000_jobs_usd)),
      num(pct(t.success_rate)),
      num(pct(t.fallback_rate)),
    ),
  );
  const providerRows = report.providers.map((p) =>
    h(
      'tr',
      { 'data-report-provider': p.provider },
      h('td', { class: 'mono' }, p.provider),
      num(p.incidents),
      h(
        'td',
        { class: 'small mono' },
        Object.entries(p.model_incidents)
          .map(([m, n]) => `${m}: ${n}`)
          .join(', ') || '–',
      ),
    ),
  );
  clear(body).append(
    h(
      'p',
      { class: 'small muted' },
      `${utc(report.since)} to ${utc(report.until)}: ${report.totals.jobs} jobs, ${usd(report.totals.spend_usd)}, ` +
        `${report.totals.incidents} provider incidents. The same numbers: GET /v1/reports/weekly?since=…, or npm run report -- --week.`,
    ),
    card(`Spend per task per day (UTC), stacked`, chart),
    h(
      'div',
      { class: 'grid' },
      card(
        'Per task',
        report.tasks.length
          ? table(
              [
                'task',
                { label: 'jobs', class: 'num' },
                { label: 'spend', class: 'num' },
                { label: 'cost per 1,000 jobs', class: 'num' },
                { label: 'success rate', class: 'num' },
                { label: 'fallback rate', class: 'num' },
              ],
              taskRows,
              { 'data-testid': 'report-tasks' },
            )
          : h('p', { class: 'muted' }, 'No calls in this window.'),
      ),
      card(
        'Provider incidents (circuit openings)',
        table(
          ['provider', { label: 'provider circuit', class: 'num' }, 'model circuits'],
          providerRows,
          { 'data-testid': 'report-providers' },
        ),
      ),
    ),
  );
  if (report.tasks.length > 0) {
    stackedBars(chart, {
      title: 'spend (USD)',
      xs: report.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000),
      series: report.tasks.map((t) => ({
        label: t.task,
        values: t.spend_per_day.map((d) => d.spend_usd),
      })),
      format: (v) => usd(v, 4),
    });
  }
}
