import type { PhaseResult } from './measure';
import type { ProfileSummary } from './profile-summary';
import type { RedisTrace } from './redis-trace';
import { fmt, ratio, type Distribution } from './stats';

export interface TargetCheck {
  target: string;
  measured: string;
  limit: string;
  pass: boolean | undefined;
  note?: string;
}

export interface ProfileEntry {
  scenario: string;
  phase: string;
  target: string;
  process: string;
  summary: ProfileSummary;
}

function pad(s: string, n: number, right = false): string {
  if (s.length >= n) return s;
  return right ? s + ' '.repeat(n - s.length) : ' '.repeat(n - s.length) + s;
}

function table(header: string[], rows: string[][], leftCols = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c ?? '', widths[i], i < leftCols))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const maxRss = (r: PhaseResult): number => Math.max(0, ...Object.values(r.peakRssMb));

/** The main table: one row per phase and target, and a ratio row where both targets ran. */
export function mainTable(results: PhaseResult[]): string {
  const header = [
    'scenario / phase',
    'target',
    'jobs',
    'ok',
    'sub/s',
    'done/s',
    'e2e p50',
    'p95',
    'p99',
    'ovh p50',
    'ovh p99',
    'CPU ms/job',
    'Redis cmd/job',
    'peak RSS MB',
  ];
  const rows: string[][] = [];
  const keys = [...new Set(results.map((r) => `${r.scenario}\u0000${r.phase}`))];
  for (const key of keys) {
    const [scenario, phase] = key.split('\u0000');
    const group = results.filter((r) => r.scenario === scenario && r.phase === phase);
    let first = true;
    for (const r of group) {
      rows.push([
        first ? `${scenario}  ${phase}` : '',
        r.target,
        String(r.jobs),
        String(r.ok),
        fmt(r.submittedPerS, 0),
        fmt(r.completedPerS, 0),
        fmt(r.e2e.p50, 2),
        fmt(r.e2e.p95, 2),
        fmt(r.e2e.p99, 2),
        fmt(r.overhead.p50, 2),
        fmt(r.overhead.p99, 2),
        fmt(r.cpu.perJobMs, 2),
        fmt(r.redis.commandsPerJob, 1),
        fmt(maxRss(r), 0),
      ]);
      first = false;
    }
    const b = group.find((r) => r.target === 'baseline');
    for (const s of group.filter((r) => r.target !== 'baseline')) {
      if (!b) break;
      const x = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(2)}x`);
      rows.push([
        '',
        `${s.target}/base`,
        '',
        '',
        x(ratio(s.submittedPerS, b.submittedPerS)),
        x(ratio(s.completedPerS, b.completedPerS)),
        x(ratio(s.e2e.p50, b.e2e.p50)),
        x(ratio(s.e2e.p95, b.e2e.p95)),
        x(ratio(s.e2e.p99, b.e2e.p99)),
        x(ratio(s.overhead.p50, b.overhead.p50)),
        x(ratio(s.overhead.p99, b.overhead.p99)),
        x(ratio(s.cpu.perJobMs, b.cpu.perJobMs)),
        x(ratio(s.redis.commandsPerJob, b.redis.commandsPerJob)),
        x(ratio(maxRss(s), maxRss(b))),
      ]);
    }
  }
  return table(header, rows, 2);
}

export function checksTable(checks: TargetCheck[]): string {
  return table(
    ['target', 'measured', 'limit', 'verdict', 'note'],
    checks.map((c) => [
      c.target,
      c.measured,
      c.limit,
      c.pass === undefined ? 'n/a' : c.pass ? 'PASS' : 'MISS',
      c.note ?? '',
    ]),
    1,
  );
}

function dist(d: Distribution | undefined, digits = 2): string {
  if (!d || d.n === 0) return '–';
  return `p50 ${fmt(d.p50, digits)} / p95 ${fmt(d.p95, digits)} / p99 ${fmt(d.p99, digits)} (n=${d.n})`;
}

/** Per-phase details: per-process CPU and RSS, stage breakdown, Redis top commands. */
export function details(results: PhaseResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(
      `[${r.scenario}] ${r.phase} — ${r.target}: ${r.ok}/${r.jobs} ok in ${r.wallS.toFixed(1)} s`,
    );
    if (r.errors.length) out.push(`  errors: ${r.errors.join(' | ')}`);
    out.push(
      `  CPU ms/job by process: ${r.cpu.processes
        .map((p) => `${p.name} ${fmt(r.ok ? p.cpuMs / r.ok : undefined, 2)}`)
        .join(
          ', ',
        )}; simulator ${fmt(r.ok ? r.simulatorCpuMs / r.ok : undefined, 2)}, bench client ${fmt(
        r.ok ? r.clientCpuMs / r.ok : undefined,
        2,
      )}, Redis server ${fmt(r.redis.cpuMsPerJob, 3)} (not in the total)`,
    );
    const counted = r.cpu.processes.filter((p) => p.writeSyscalls !== undefined);
    if (counted.length && r.ok) {
      out.push(
        `  write system calls/job by process (/proc/<pid>/io): ${counted
          .map((p) => `${p.name} ${fmt((p.writeSyscalls ?? 0) / r.ok, 1)}`)
          .join(', ')}`,
      );
    }
    out.push(
      `  RSS MB, peak since start (in this phase): ${Object.entries(r.peakRssMb)
        .map(([n, mb]) => `${n} ${mb.toFixed(0)} (${(r.phaseRssMb[n] ?? 0).toFixed(0)})`)
        .join(', ')}${r.maxActive ? `; max jobs active in the primary worker ${r.maxActive}` : ''}`,
    );
    const b = r.breakdown;
    out.push(
      `  stage medians (server clocks, ms): submit→recorded ${fmt(b.submitToCreated, 0)}, recorded→attempt ${fmt(
        b.createdToAttempt,
        0,
      )}, provider call ${fmt(b.providerCall, 0)}, call→finished ${fmt(b.attemptRestToFinished, 0)}, finished→client ${fmt(
        b.finishedToClient,
        0,
      )}`,
    );
    out.push(`  POST ${dist(r.ack)}; GET ${dist(r.fetch)}; provider ${dist(r.provider)}`);
    out.push(
      `  Redis (server-wide, shared): ${fmt(r.redis.commandsPerJob, 1)} cmd/job; top: ${r.redis.top
        .slice(0, 8)
        .map((t) => `${t.command} ${(r.ok ? t.calls / r.ok : 0).toFixed(1)}`)
        .join(', ')}`,
    );
    for (const [k, v] of Object.entries(r.extra)) {
      const value =
        typeof v === 'object' && v !== null && 'n' in v
          ? dist(v as Distribution)
          : JSON.stringify(v);
      out.push(`  ${k}: ${value}`);
    }
  }
  return out.join('\n');
}

export function traceText(target: string, trace: RedisTrace): string {
  const out = [
    `Redis commands per job by process (MONITOR over ${trace.jobs} sequential jobs) — ${target}:`,
  ];
  for (const p of trace.perProcess) {
    out.push(
      `  ${p.process}: ${p.roundTripsPerJob.toFixed(1)} top-level + ${p.inScriptPerJob.toFixed(1)} inside scripts — ${p.commands
        .slice(0, 14)
        .map((c) => `${c.command} ${c.perJob.toFixed(1)}`)
        .join(', ')}`,
    );
  }
  return out.join('\n');
}

export function profileText(entries: ProfileEntry[]): string {
  const out: string[] = [];
  for (const e of entries) {
    const s = e.summary;
    out.push(
      `[${e.scenario}] ${e.phase} — ${e.target} ${e.process}: ${s.busyMs.toFixed(0)} ms busy (sampled)`,
    );
    out.push(
      `  self time by area: ${s.byArea
        .slice(0, 10)
        .map((a) => `${a.area} ${(a.share * 100).toFixed(0)}%`)
        .join(', ')}`,
    );
    out.push(
      `  inclusive: ${s.inclusive
        .filter((i) => i.share >= 0.01)
        .map((i) => `${i.what} ${(i.share * 100).toFixed(0)}%`)
        .join(', ')}`,
    );
    out.push(
      `  top functions: ${s.byFunction
        .slice(0, 6)
        .map((f) => `${f.fn} ${(f.share * 100).toFixed(1)}%`)
        .join('; ')}`,
    );
  }
  return out.join('\n');
}
