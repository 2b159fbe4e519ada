import { api, settings } from './api.js';
import { card, clear, errorBox, h, num, table } from './dom.js';
import { STATUS_LABEL, ms, usd, utc } from './format.js';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const PAGE_SIZE = 25;

function statusBadge(status) {
  return h(
    'span',
    { class: `state status-${status}`, 'data-status': status },
    STATUS_LABEL[status] ?? status,
  );
}

/** datetime-local value (UTC, as the console shows times) <-> ISO */
const toLocalInput = (iso) => (iso ? iso.slice(0, 16) : '');
const fromLocalInput = (value) => (value ? new Date(`${value}:00Z`).toISOString() : '');

/** #/jobs?task=&status=&since=&until=&cursor=… : the filters are in the hash, the key is not. */
export async function renderJobList(root, params, navigate) {
  const routes = await api('/v1/routes');
  const filters = {
    task: params.get('task') ?? '',
    status: params.get('status') ?? '',
    since: params.get('since') ?? '',
    until: params.get('until') ?? '',
  };
  // Cursors of the pages before this one, so "newer" can go back (the API pages forward only).
  const trail = (params.get('trail') ?? '').split(',').filter(Boolean);
  const cursor = params.get('cursor') ?? '';

  const select = (name, options) =>
    h(
      'select',
      { name },
      h('option', { value: '' }, 'any'),
      options.map((o) => h('option', { value: o, selected: filters[name] === o }, o)),
    );
  const form = h(
    'form',
    {
      class: 'filters',
      'data-testid': 'job-filters',
      onsubmit: (e) => {
        e.preventDefault();
        const data = new FormData(form);
        navigate('jobs', {
          task: data.get('task'),
          status: data.get('status'),
          since: fromLocalInput(data.get('since')),
          until: fromLocalInput(data.get('until')),
        });
      },
    },
    h('label', {}, 'task', select('task', Object.keys(routes.tasks).sort())),
    h('label', {}, 'status', select('status', STATUSES)),
    h(
      'label',
      {},
      'created from (UTC)',
      h('input', { type: 'datetime-local', name: 'since', value: toLocalInput(filters.since) }),
    ),
    h(
      'label',
      {},
      'created until (UTC)',
      h('input', { type: 'datetime-local', name: 'until', value: toLocalInput(filters.until) }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Apply'),
    h('button', { type: 'button', onclick: () => navigate('jobs', {}) }, 'Clear'),
  );
  const results = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  clear(root).append(h('h1', {}, 'Jobs'), form, card(null, results));

  const page = await api('/v1/jobs', { ...filters, limit: PAGE_SIZE, cursor });
  const rows = page.jobs.map((j) =>
    h(
      'tr',
      { 'data-job-id': j.id },
      h('td', { class: 'mono' }, h('a', { href: `#/jobs/${encodeURIComponent(j.id)}` }, j.id)),
      h('td', {}, j.task),
      h('td', {}, statusBadge(j.status)),
      h(
        'td',
        { class: 'mono small' },
        j.result ? `${j.result.provider}/${j.result.model}` : (j.error?.type ?? ''),
      ),
      h('td', { class: 'mono small' }, j.result?.model_revision ?? ''),
      num(usd(j.cost_usd)),
      h('td', { class: 'small' }, utc(j.created_at)),
    ),
  );
  const pager = h(
    'div',
    { class: 'pager' },
    h(
      'button',
      {
        type: 'button',
        disabled: !cursor,
        onclick: () => {
          const back = [...trail];
          const previous = back.pop() ?? '';
          navigate('jobs', { ...filters, cursor: previous, trail: back.join(',') });
        },
      },
      '← newer',
    ),
    h(
      'button',
      {
        type: 'button',
        'data-testid': 'older',
        disabled: !page.next_cursor,
        onclick: () =>
          navigate('jobs', {
            ...filters,
            cursor: page.next_cursor,
            trail: [...trail, cursor].join(','),
          }),
      },
      'older →',
    ),
    h('span', { class: 'small muted' }, `${page.jobs.length} jobs on this page, newest first`),
  );
  clear(results).append(
    page.jobs.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'no-jobs' }, 'No jobs match.')
      : table(
          [
            'job',
            'task',
            'status',
            'served by / error',
            'model revision',
            { label: 'cost', class: 'num' },
            'created',
          ],
          rows,
          { 'data-testid': 'jobs' },
        ),
    pager,
  );
}

/** Each hop and try as a bar on the job's time axis, with everything the bar means in text. */
function timeline(job) {
  const attempts = job.attempts ?? [];
  const t0 = Date.parse(job.created_at);
  const ends = attempts.map((a) => Date.parse(a.started_at) + (a.latency_ms ?? 0));
  const t1 = Math.max(t0 + 1, job.finished_at ? Date.parse(job.finished_at) : Date.now(), ...ends);
  const span = t1 - t0;
  const rows = attempts.map((a) => {
    const start = Date.parse(a.started_at);
    const left = ((start - t0) / span) * 100;
    const width = (((a.latency_ms ?? 0) || 1) / span) * 100;
    const failed = a.status === 'failed';
    const what = [
      `hop ${a.hop} · try ${a.try}`,
      `${a.provider}/${a.model}`,
      a.model_revision ? `rev ${a.model_revision}` : 'no revision reported',
      ms(a.latency_ms),
      failed
        ? `✕ ${a.error?.type ?? 'failed'}`
        : a.status === 'succeeded'
          ? '✓ succeeded'
          : a.status,
    ];
    return h(
      'div',
      {
        class: 'tl-row',
        'data-testid': 'attempt',
        'data-provider': a.provider,
        'data-status': a.status,
        'data-error-type': a.error?.type ?? '',
      },
      h(
        'div',
        { class: 'small' },
        h('div', { class: failed ? 'error' : '' }, what.join(' — ')),
        a.error?.message ? h('div', { class: 'muted' }, a.error.message) : null,
      ),
      h(
        'div',
        { class: 'tl-track' },
        h('div', {
          class: `tl-bar ${a.status}`,
          title: what.join(' — '),
          style: { left: `${left}%`, width: `${Math.max(width, 0.4)}%` },
        }),
      ),
    );
  });
  return h(
    'div',
    { class: 'timeline', 'data-testid': 'timeline' },
    rows.length ? rows : h('p', { class: 'muted' }, 'No attempt has started.'),
    h(
      'div',
      { class: 'tl-axis' },
      h('span', {}, `0 ms (${utc(job.created_at)})`),
      h('span', {}, `${ms(span / 2)}`),
      h('span', {}, ms(span)),
    ),
    h(
      'p',
      { class: 'small muted' },
      'Solid: succeeded · hatched: failed (error type in the label) · striped: running.',
    ),
  );
}

function traceLink(traceId) {
  if (!traceId) return '–';
  const template = settings.trace_url_template;
  if (!template) return h('span', { class: 'mono', 'data-testid': 'trace-id' }, traceId);
  const href = template.replaceAll('{trace_id}', encodeURIComponent(traceId));
  return h(
    'a',
    {
      class: 'mono',
      href,
      target: '_blank',
      rel: 'noopener noreferrer',
      'data-testid': 'trace-id',
    },
    traceId,
  );
}

const json = (value) => h('pre', {}, JSON.stringify(value, null, 2));

export async function renderJob(root, id) {
  clear(root).append(h('p', { class: 'muted' }, 'Loading…'));
  let job;
  try {
    job = await api(`/v1/jobs/${encodeURIComponent(id)}`);
  } catch (err) {
    clear(root).append(
      h('h1', {}, `Job ${id}`),
      errorBox(err),
      h('a', { href: '#/jobs' }, '← all jobs'),
    );
    return;
  }
  const facts = [
    ['status', statusBadge(job.status)],
    ['task', job.task],
    ['created', utc(job.created_at)],
    ['started', utc(job.started_at)],
    ['finished', utc(job.finished_at)],
    ['cost', usd(job.cost_usd)],
    ['trace id', traceLink(job.trace_id)],
    ['plan', (job.plan ?? []).map((c) => `${c.provider}/${c.model}`).join(' → ')],
  ];
  const webhook = job.webhook
    ? table(
        ['status', { label: 'attempts', class: 'num' }, 'last status code', 'next attempt'],
        [
          h(
            'tr',
            {},
            h('td', {}, job.webhook.status),
            num(job.webhook.attempts),
            h('td', {}, job.webhook.last_status_code ?? '–'),
            h('td', {}, utc(job.webhook.next_attempt_at)),
          ),
        ],
        { 'data-testid': 'webhook' },
      )
    : h('p', { class: 'muted' }, 'This job has no webhook_url.');
  clear(root).append(
    h('p', {}, h('a', { href: '#/jobs' }, '← all jobs')),
    h('h1', {}, 'Job ', h('span', { class: 'mono' }, job.id)),
    card(
      'Summary',
      h(
        'dl',
        { class: 'facts' },
        facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ),
    ),
    card('Attempt timeline', timeline(job)),
    h(
      'div',
      { class: 'grid' },
      card(
        'Result',
        job.result
          ? [
              h(
                'p',
                { class: 'small' },
                `${job.result.provider}/${job.result.model} · revision ${job.result.model_revision}`,
              ),
              json(job.result.json ?? job.result.text ?? job.result),
            ]
          : job.error
            ? h('p', { class: 'error' }, `${job.error.type}: ${job.error.message}`)
            : h('p', { class: 'muted' }, 'No result yet.'),
      ),
      card('Metadata', job.metadata ? json(job.metadata) : h('p', { class: 'muted' }, 'none')),
    ),
    card('Webhook deliveries', webhook),
    ...(job.skipped ? [card('Skipped candidates', json(job.skipped))] : []),
  );
}
