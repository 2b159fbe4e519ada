import { api, daysAgo } from './api.js';
import { lineChart } from './charts.js';
import { card, clear, errorBox, h, num, table } from './dom.js';
import { ms, pct, usd, utc } from './format.js';

const label = (group) => group ?? '(no revision reported)';

/** Per task: one row per model revision, and hourly series over 7 days with each revision's debut. */
export async function renderRevisions(root, params, navigate) {
  const routes = await api('/v1/routes');
  const tasks = Object.keys(routes.tasks).sort();
  const task = params.get('task') || tasks[0];
  const picker = h(
    'select',
    {
      name: 'task',
      'data-testid': 'revision-task',
      onchange: (e) => navigate('revisions', { task: e.target.value }),
    },
    tasks.map((t) => h('option', { value: t, selected: t === task }, t)),
  );
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  clear(root).append(
    h('div', { class: 'toolbar' }, h('h1', {}, 'Model revisions'), h('label', {}, 'task', picker)),
    body,
  );
  const since = daysAgo(7);
  let stats;
  let series;
  try {
    [stats, series] = await Promise.all([
      api('/v1/stats', { task, since, group_by: 'model_revision' }),
      api('/v1/stats/series', { task, since, group_by: 'model_revision', bucket: '1h' }),
    ]);
  } catch (err) {
    clear(body).append(errorBox(err));
    return;
  }
  const firstSeen = Object.fromEntries(series.series.map((s) => [s.group, s.first_seen]));
  // Time to first token appears as a column once the ledger reports it (streaming calls).
  const hasTtft = stats.groups.some((g) => g.ttft_ms);
  const rows = stats.groups.map((g) =>
    h(
      'tr',
      { 'data-revision': label(g.group) },
      h('td', { class: 'mono' }, label(g.group)),
      h('td', { class: 'small' }, utc(firstSeen[g.group])),
      num(g.calls),
      num(pct(g.success_rate)),
      num(pct(g.invalid_output_rate)),
      num(ms(g.latency_ms.p50)),
      num(ms(g.latency_ms.p95)),
      hasTtft ? num(ms(g.ttft_ms?.p50)) : null,
      num(usd(g.mean_cost_usd, 6)),
    ),
  );
  const statsTable = table(
    [
      'model revision',
      'first seen',
      { label: 'calls', class: 'num' },
      { label: 'success rate', class: 'num' },
      { label: 'invalid output', class: 'num' },
      { label: 'p50 latency', class: 'num' },
      { label: 'p95 latency', class: 'num' },
      ...(hasTtft ? [{ label: 'p50 time to first token', class: 'num' }] : []),
      { label: 'mean cost', class: 'num' },
    ],
    rows,
    { 'data-testid': 'revisions' },
  );

  const plots = h('div', {});
  const seriesList = h(
    'ul',
    { class: 'small', 'data-testid': 'series-list' },
    series.series.map((s) =>
      h(
        'li',
        { 'data-series-group': label(s.group), 'data-points': s.points.length },
        h('span', { class: 'mono' }, label(s.group)),
        `: ${s.points.length} hourly points with calls, first seen ${utc(s.first_seen)}`,
      ),
    ),
  );
  clear(body).append(
    card(
      `Revisions of ${task}, last 7 days`,
      stats.groups.length ? statsTable : h('p', { class: 'muted' }, 'No calls in the last 7 days.'),
    ),
    card(`${task} per hour, last 7 days (UTC)`, seriesList, plots),
  );
  if (series.series.length === 0) return;

  // One x axis for every revision: the union of their buckets (a revision with no calls in an hour has a gap).
  const xs = [
    ...new Set(series.series.flatMap((s) => s.points.map((p) => Date.parse(p.t) / 1000))),
  ].sort((a, b) => a - b);
  const column = (pick) =>
    series.series.map((s) => {
      const at = new Map(s.points.map((p) => [Date.parse(p.t) / 1000, pick(p)]));
      return { label: label(s.group), values: xs.map((x) => (at.has(x) ? at.get(x) : null)) };
    });
  const sinceS = Date.parse(series.since) / 1000;
  const xRange = [Date.parse(series.since) / 1000, Date.parse(series.until) / 1000];
  const markers = series.series
    .filter((s) => Date.parse(s.first_seen) / 1000 >= sinceS)
    .map((s) => ({ t: Date.parse(s.first_seen) / 1000, label: `${label(s.group)} first seen` }));
  lineChart(plots, {
    title: 'error rate',
    yRange: [0, 1],
    xs,
    series: column((p) => p.error_rate),
    format: (v) => pct(v, 0),
    markers,
    xRange,
  });
  lineChart(plots, {
    title: 'p95 latency',
    yRange: [0, 1],
    xs,
    series: column((p) => p.latency_ms.p95),
    format: ms,
    markers,
    xRange,
  });
  lineChart(plots, {
    title: 'calls per hour',
    yRange: [0, 1],
    xs,
    series: column((p) => p.calls),
    format: (v) => String(Math.round(v)),
    markers,
    xRange,
  });
}
