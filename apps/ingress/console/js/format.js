/** Formatting shared by every page. Times are shown in UTC, like the budgets' days. */
export function usd(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return `$${Number(v).toFixed(digits)}`;
}

export function pct(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return `${(Number(v) * 100).toFixed(digits)} %`;
}

export function ms(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

export function utc(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export const STATE_LABEL = { closed: '● closed', open: '✕ open', half_open: '◐ half-open' };
export const STATUS_LABEL = {
  queued: '… queued',
  running: '▶ running',
  succeeded: '✓ succeeded',
  failed: '✕ failed',
  cancelled: '⊘ cancelled',
};
