import type { RoutingIssue, TaskEvalConfig } from '../routing-table.types';
import { describeValue } from './describe-value';
import { isMapping } from './field-validation';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const EVERY = /^every\s+(\d+)\s*(s|m|h|d)$/i;
const EVALS_KEYS = ['schedule', 'examples', 'min_score', 'max_drop'] as const;

/** A parsed `evals.schedule`: a fixed interval, or a 5-field cron expression (UTC). */
export type EvalSchedule =
  { kind: 'every'; ms: number } | { kind: 'cron'; fields: readonly (readonly number[])[] };

const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function cronField(text: string, min: number, max: number, name: string): number[] | string {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) return `${name} "${part}" is not a number, range, * or step`;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return `${name} step must be at least 1`;
    let [lo, hi] = [min, max];
    if (m[1] !== '*') {
      const [a, b] = m[1].split('-').map(Number);
      [lo, hi] = [a, b ?? (m[2] === undefined ? a : max)];
    }
    if (lo < min || hi > max || lo > hi) return `${name} must be within ${min}-${max}`;
    for (let v = lo; v <= hi; v += step) values.add(name === 'day of week' && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

/** `every 6h` (s, m, h or d) or a cron expression such as `0 *\/6 * * *`; a string problem otherwise. */
export function parseEvalSchedule(text: string): EvalSchedule | string {
  const every = EVERY.exec(text.trim());
  if (every) {
    const ms = Number(every[1]) * UNIT_MS[every[2].toLowerCase()];
    return ms > 0 ? { kind: 'every', ms } : 'the interval must be longer than 0';
  }
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) {
    return `must be "every N{s|m|h|d}" or a cron expression of 5 fields, got ${JSON.stringify(text)}`;
  }
  const fields: number[][] = [];
  for (let i = 0; i < 5; i++) {
    const f = CRON_FIELDS[i];
    const parsed = cronField(parts[i], f.min, f.max, f.name);
    if (typeof parsed === 'string') return `cron: ${parsed}`;
    fields.push(parsed);
  }
  return { kind: 'cron', fields };
}

function cronMatches(fields: readonly (readonly number[])[], at: Date): boolean {
  return (
    fields[0].includes(at.getUTCMinutes()) &&
    fields[1].includes(at.getUTCHours()) &&
    fields[2].includes(at.getUTCDate()) &&
    fields[3].includes(at.getUTCMonth() + 1) &&
    fields[4].includes(at.getUTCDay())
  );
}

/**
 * Whether a scheduled run is due at `now`, given when the last one was created (undefined: never).
 * An interval is due once it has passed since the last run (a task never run is due at once); a
 * cron schedule when a matching minute lies after the last run (looking back at most a week).
 */
export function evalRunDue(
  schedule: EvalSchedule,
  lastRunAt: number | undefined,
  now: number,
): boolean {
  if (schedule.kind === 'every') return lastRunAt === undefined || now - lastRunAt >= schedule.ms;
  const minute = 60_000;
  const from = Math.max(lastRunAt ?? now - minute, now - 7 * 86_400_000);
  for (let t = Math.floor(from / minute) * minute + minute; t <= now; t += minute) {
    if (cronMatches(schedule.fields, new Date(t))) return true;
  }
  return false;
}

function rate(
  raw: Record<string, unknown>,
  key: 'min_score' | 'max_drop',
  path: string,
  issues: RoutingIssue[],
): number | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    issues.push({
      path: `${path}.${key}`,
      message: `must be a number from 0 to 1, got ${describeValue(value)}`,
    });
    return undefined;
  }
  return value;
}

/** A task's `evals:` mapping: when its scheduled runs go, on how many examples, and what regresses. */
export function readTaskEvals(
  raw: unknown,
  path: string,
  issues: RoutingIssue[],
): TaskEvalConfig | undefined {
  if (raw === undefined) return undefined;
  if (!isMapping(raw)) {
    issues.push({ path, message: `must be a mapping, got ${describeValue(raw)}` });
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(raw)) {
    if (!(EVALS_KEYS as readonly string[]).includes(key)) {
      issues.push({
        path: `${path}.${key}`,
        message: `unknown key; expected one of ${EVALS_KEYS.join(', ')}`,
      });
    }
  }
  const config: TaskEvalConfig = {};
  if (raw.schedule !== undefined) {
    if (typeof raw.schedule !== 'string') {
      issues.push({
        path: `${path}.schedule`,
        message: `must be "every N{s|m|h|d}" or a cron expression, got ${describeValue(raw.schedule)}`,
      });
    } else {
      const parsed = parseEvalSchedule(raw.schedule);
      if (typeof parsed === 'string') issues.push({ path: `${path}.schedule`, message: parsed });
      else config.schedule = raw.schedule.trim();
    }
  }
  if (raw.examples !== undefined) {
    if (typeof raw.examples !== 'number' || !Number.isInteger(raw.examples) || raw.examples < 1) {
      issues.push({
        path: `${path}.examples`,
        message: `must be a whole number of examples, at least 1, got ${describeValue(raw.examples)}`,
      });
    } else config.examples = raw.examples;
  }
  const minScore = rate(raw, 'min_score', path, issues);
  if (minScore !== undefined) config.min_score = minScore;
  const maxDrop = rate(raw, 'max_drop', path, issues);
  if (maxDrop !== undefined) config.max_drop = maxDrop;
  return issues.length > before ? undefined : config;
}
