import { api, hoursAgo } from './api.js';
import { card, clear, errorBox, h, num, table } from './dom.js';
import { STATE_LABEL, ago, pct, usd, utc } from './format.js';

export const REFRESH_MS = 5000;

/**
 * Calls `load` now and every `intervalMs` while the tab is visible; a hidden tab stops polling
 * until it is shown again. Returns the function that stops it for good.
 */
export function autoRefresh(load, intervalMs, onState) {
  let timer = null;
  let stopped = false;
  const schedule = () => {
    if (!stopped && !document.hidden && timer === null) timer = setTimeout(tick, intervalMs);
  };
  const tick = async () => {
    timer = null;
    if (stopped || document.hidden) return;
    await load();
    schedule();
  };
  const onVisibility = () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
      onState('paused');
    } else {
      onState('running');
      if (timer === null) void tick();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  onState(document.hidden ? 'paused' : 'running');
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

function circuitCell(circuit) {
  return h(
    'td',
    {},
    h(
      'span',
      { class: `state state-${circuit.state}`, 'data-circuit-state': circuit.state },
      STATE_LABEL[circuit.state] ?? circuit.state,
    ),
  );
}

function sinceCell(circuit) {
  return h(
    'td',
    { class: 'small' },
    circuit.since ? `${utc(circuit.since)} (${ago(circuit.since)})` : 'never changed',
  );
}

/** The models some task routes to: the catalog's other models only show when something happened to them. */
function routedModels(tasks) {
  return new Set(Object.values(tasks).flatMap((t) => [t.primary, ...(t.fallbacks ?? [])]));
}

function providersCard(providers, queues, byProvider, byModel, routed) {
  let hidden = 0;
  const queueOf = Object.fromEntries(queues.filter((q) => q.provider).map((q) => [q.provider, q]));
  const rows = [];
  for (const p of providers) {
    const q = queueOf[p.name] ?? { waiting: 0, active: 0, delayed: 0 };
    const s = byProvider[p.name];
    rows.push(
      h(
        'tr',
        { 'data-provider': p.name },
        h('td', {}, h('strong', {}, p.name), h('span', { class: 'muted small' }, ` ${p.kind}`)),
        circuitCell(p.circuit),
        sinceCell(p.circuit),
        num(s ? s.calls : 0),
        num(s ? pct(1 - s.success_rate) : '–'),
        num(q.waiting, { 'data-queue': 'waiting' }),
        num(q.active, { 'data-queue': 'active' }),
        num(q.delayed, { 'data-queue': 'delayed' }),
      ),
    );
    for (const m of p.models) {
      const ms = byModel[m.id];
      if (!routed.has(m.id) && !ms && m.circuit.state === 'closed') {
        hidden++;
        continue;
      }
      rows.push(
        h(
          'tr',
          { class: 'model', 'data-model': m.id },
          h('td', { class: 'mono' }, `↳ ${m.id}`),
          circuitCell(m.circuit),
          sinceCell(m.circuit),
          num(ms ? ms.calls : 0),
          num(ms ? pct(1 - ms.success_rate) : '–'),
          h('td', { colspan: 3 }),
        ),
      );
    }
  }
  const other = queues.filter((q) => !q.provider);
  return card(
    'Providers and circuits',
    table(
      [
        'provider / model',
        'circuit',
        'since',
        { label: 'calls (1 h)', class: 'num' },
        { label: 'error rate (1 h)', class: 'num' },
        { label: 'waiting', class: 'num' },
        { label: 'active', class: 'num' },
        { label: 'delayed', class: 'num' },
      ],
      rows,
      { 'data-testid': 'providers' },
    ),
    h(
      'p',
      { class: 'small muted' },
      other.map(
        (q) => `${q.queue}: ${q.waiting} waiting, ${q.active} active, ${q.delayed} delayed. `,
      ),
      'Calls and error rates are this tenant’s; circuits and queues are shared by every tenant.',
      hidden
        ? ` ${hidden} catalog models no task routes to (no calls, circuit closed) are not listed.`
        : '',
    ),
  );
}

function spendCard(spend, tasks, tenant) {
  const rows = spend.map((s) => {
    const budget = tasks[s.task]?.budget ?? {};
    const limit = s.limit_usd ?? budget.daily_usd ?? null;
    const alertAt = budget.alert_at ?? null;
    const fraction = limit ? Math.min(1, s.spent_usd / limit) : 0;
    const overAlert = limit && alertAt !== null && s.spent_usd >= alertAt * limit;
    return h(
      'div',
      {
        class: 'spend-row',
        'data-spend-task': s.task,
        'data-spent-usd': s.spent_usd,
        'data-limit-usd': limit ?? '',
      },
      h('span', { class: 'mono' }, s.task),
      limit
        ? h(
            'div',
            {
              class: 'spend-track',
              role: 'meter',
              'aria-valuemin': 0,
              'aria-valuemax': limit,
              'aria-valuenow': s.spent_usd,
              'aria-label': `${s.task}: ${usd(s.spent_usd)} of ${usd(limit, 2)}`,
            },
            h('div', {
              class: `spend-fill${overAlert ? ' over-alert' : ''}`,
              style: { width: `${fraction * 100}%` },
            }),
            alertAt !== null
              ? h('div', {
                  class: 'spend-alert',
                  title: `alert at ${pct(alertAt, 0)}`,
                  style: { left: `${alertAt * 100}%` },
                })
              : null,
          )
        : h('div', { class: 'muted small' }, 'no daily budget (daily_usd) set'),
      h(
        'span',
        { class: 'small' },
        limit
          ? `${usd(s.spent_usd)} of ${usd(limit, 2)} (${pct(s.spent_usd / limit)})` +
              (alertAt !== null
                ? ` · alert at ${pct(alertAt, 0)}${overAlert ? ' · OVER' : ''}`
                : '')
          : `${usd(s.spent_usd)} spent`,
      ),
    );
  });
  return card(
    `Spend today (${spend[0]?.day ?? ''} UTC) against daily_usd`,
    h('div', { 'data-testid': 'spend' }, rows),
    // Every tenant has each task's daily_usd to itself: these are the caller's own numbers.
    tenant
      ? h(
          'p',
          {
            class: 'small',
            'data-spend-tenant': tenant.tenant,
            'data-spent-usd': tenant.spent_usd,
          },
          `Tenant ${tenant.tenant}, all tasks: ${usd(tenant.spent_usd)}` +
            (tenant.limit_usd !== null ? ` of ${usd(tenant.limit_usd, 2)} (tenant daily_usd)` : ''),
        )
      : null,
    h(
      'p',
      { class: 'small muted' },
      'Bar: spent so far; dashed tick: alert_at; right end: daily_usd.',
    ),
  );
}

function describeAlert(a) {
  const d = a.data ?? {};
  if (a.type === 'budget.alert' && d.scope === 'tenant') {
    return `tenant ${d.tenant} crossed ${pct(d.alert_at, 0)} of ${usd(d.daily_usd, 2)} over all tasks on ${d.day}`;
  }
  if (a.type === 'budget.alert') {
    return `task ${d.task} crossed ${pct(d.alert_at, 0)} of ${usd(d.daily_usd, 2)} on ${d.day}`;
  }
  if (a.type === 'regression.detected') {
    return `${d.task} ${d.model}: ${d.previous_revision} → ${d.new_revision}, ${d.metric} ${d.previous_value} → ${d.current_value}`;
  }
  return JSON.stringify(d);
}

function alertsCard(alerts) {
  return card(
    'Latest alerts',
    alerts.length === 0
      ? h('p', { class: 'muted' }, 'No budget.alert or regression.detected so far.')
      : table(
          ['when', 'type', 'what'],
          alerts.map((a) =>
            h(
              'tr',
              { 'data-alert-type': a.type },
              h('td', { class: 'small' }, `${utc(a.at)} (${ago(a.at)})`),
              h('td', { class: 'mono' }, a.type),
              h('td', { class: 'wrap' }, describeAlert(a)),
            ),
          ),
          { 'data-testid': 'alerts' },
        ),
  );
}

export function renderOverview(root) {
  const status = h('span', { class: 'small muted', 'data-testid': 'refresh-state' });
  const body = h('div', {});
  clear(root).append(h('div', { class: 'toolbar' }, h('h1', {}, 'Overview'), status), body);
  let refreshState = 'running';
  const showStatus = (updatedAt) => {
    status.textContent =
      refreshState === 'paused'
        ? 'Auto-refresh paused while the tab is hidden.'
        : `Refreshes every ${REFRESH_MS / 1000} s${updatedAt ? ` · updated ${utc(updatedAt)}` : ''}`;
  };
  const load = async () => {
    try {
      const since = hoursAgo(1);
      const [providers, queues, statsP, statsM, spend, routes, alerts] = await Promise.all([
        api('/v1/providers'),
        api('/v1/queues'),
        // Without a ledger (split processes with no DATABASE_URL) the rest still shows.
        api('/v1/stats', { since, group_by: 'provider' }).catch(() => ({ groups: [] })),
        api('/v1/stats', { since, group_by: 'model' }).catch(() => ({ groups: [] })),
        api('/v1/spend'),
        api('/v1/routes'),
        api('/v1/alerts', { limit: 10 }),
      ]);
      const byGroup = (s) => Object.fromEntries(s.groups.map((g) => [g.group, g]));
      clear(body).append(
        providersCard(
          providers.providers,
          queues.queues,
          byGroup(statsP),
          byGroup(statsM),
          routedModels(routes.tasks),
        ),
        h(
          'div',
          { class: 'grid' },
          spendCard(spend.spend, routes.tasks, spend.tenant),
          alertsCard(alerts.alerts),
        ),
      );
      body.setAttribute('data-loaded', new Date().toISOString());
      showStatus(new Date().toISOString());
    } catch (err) {
      clear(body).append(errorBox(err));
    }
  };
  return autoRefresh(load, REFRESH_MS, (state) => {
    refreshState = state;
    showStatus();
  });
}
