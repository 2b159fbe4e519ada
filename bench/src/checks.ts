/**
 * Issue 15's targets, evaluated on whatever phases ran: one row per target and Switchyard target
 * (the split processes, `switchyard`, and the all-in-one, `allinone`), with pass, miss or n/a.
 */
import { BENCH_CLIENT, LEDGER_BACKENDS, type PhaseResult } from './measure';
import type { RedisTrace } from './redis-trace';
import type { TargetCheck } from './report';
import { fmt, ratio } from './stats';

export const LIMITS = {
  /** (e) and (c): completed/s of Switchyard over the baseline's */
  throughputRatio: 1.3,
  /** (a), (c), (e): CPU per job over the baseline's */
  cpuRatio: 1.0,
  aOverheadP50Ms: 2,
  aOverheadP99Ms: 6,
  bOverheadP99Ms: 25,
  handoffP50Ms: 3,
  /** Open circuit vs interleaved reference, p50: the noise floor of interleaved sequential rounds */
  circuitOpenAddedMs: 0.5,
  redisCommandsPerJob: 40,
  workerRssInFlightMb: 150,
  workerRssIdleMb: 100,
} as const;

/** What the issue's target wording assumes, so a run with other sizes says so. */
export interface CheckSizes {
  eClients: number;
  cBurst: number;
  bRate: number;
  bDurationS: number;
}

const SWITCHYARD_TARGETS = ['switchyard', 'allinone'] as const;

const x = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(2)}x`);
const sign = (v: number): string => `${v >= 0 ? '+' : ''}${fmt(v, 2)}`;
const atMost = (v: number | undefined, limit: number): boolean | undefined =>
  v === undefined || !Number.isFinite(v) ? undefined : v <= limit;

function find(
  results: PhaseResult[],
  scenario: string,
  target: string,
  phase?: (p: string) => boolean,
): PhaseResult | undefined {
  return results.find(
    (r) => r.scenario === scenario && r.target === target && (!phase || phase(r.phase)),
  );
}

const isBurst = (p: string): boolean => p.startsWith('burst');
const isParallelWait = (p: string): boolean =>
  p.startsWith('Prefer: wait') && p.endsWith('clients');

/**
 * Redis commands per job from a MONITOR trace: top-level and inside scripts, every process of the
 * target (the bench client's own reads of the baseline's completion events excluded).
 */
export function tracedCommandsPerJob(trace: RedisTrace): number {
  return trace.perProcess
    .filter((p) => p.process !== BENCH_CLIENT)
    .reduce((sum, p) => sum + p.roundTripsPerJob + p.inScriptPerJob, 0);
}

export function evaluate(
  results: PhaseResult[],
  traces: Array<{ target: string; trace: RedisTrace }>,
  sizes: CheckSizes,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const name of SWITCHYARD_TARGETS) {
    if (!results.some((r) => r.target === name)) continue;
    const label = (what: string): string => `${what} [${name}]`;

    for (const [scenario, phase, what, sizeNote] of [
      [
        'e',
        isParallelWait,
        `(e) Prefer: wait, ${sizes.eClients} clients: completed/s`,
        sizes.eClients === 50 ? undefined : 'the target is stated for 50 clients',
      ],
      [
        'c',
        isBurst,
        `(c) burst of ${sizes.cBurst}: completed/s`,
        sizes.cBurst === 5000 ? undefined : 'the target is stated for a burst of 5,000',
      ],
    ] as const) {
      const s = find(results, scenario, name, phase);
      const b = find(results, scenario, 'baseline', phase);
      if (!s) continue;
      const r = b ? ratio(s.completedPerS, b.completedPerS) : undefined;
      checks.push({
        target: label(what),
        measured: b
          ? `${fmt(s.completedPerS, 0)} vs ${fmt(b.completedPerS, 0)} = ${x(r)}`
          : `${fmt(s.completedPerS, 0)} (no baseline in this run)`,
        limit: `>= ${LIMITS.throughputRatio.toFixed(2)}x`,
        pass: r === undefined ? undefined : r >= LIMITS.throughputRatio,
        note: sizeNote,
      });
    }

    for (const r of results.filter(
      (p) =>
        p.target === name &&
        (p.scenario === 'a' || p.scenario === 'e' || (p.scenario === 'c' && isBurst(p.phase))),
    )) {
      const b = find(results, r.scenario, 'baseline', (p) => p === r.phase);
      if (!b) continue;
      const q = ratio(r.cpu.perJobMs, b.cpu.perJobMs);
      const ledger = r.cpu.processes.find((p) => p.name === LEDGER_BACKENDS);
      checks.push({
        target: label(`(${r.scenario}) ${r.phase}: CPU/job`),
        measured: `${fmt(r.cpu.perJobMs, 2)} vs ${fmt(b.cpu.perJobMs, 2)} ms = ${x(q)}`,
        limit: `<= ${LIMITS.cpuRatio.toFixed(2)}x`,
        pass: q === undefined ? undefined : q <= LIMITS.cpuRatio,
        note: ledger
          ? `incl. PostgreSQL backends ${fmt(r.ok ? ledger.cpuMs / r.ok : undefined, 2)} ms/job`
          : name === 'allinone'
            ? 'incl. the embedded PGlite ledger (same process)'
            : undefined,
      });
    }

    const a = find(results, 'a', name);
    if (a) {
      checks.push({
        target: label('(a) one job in flight: overhead p50'),
        measured: `${fmt(a.overhead.p50, 2)} ms`,
        limit: `<= ${LIMITS.aOverheadP50Ms} ms`,
        pass: atMost(a.overhead.p50, LIMITS.aOverheadP50Ms),
      });
      checks.push({
        target: label('(a) one job in flight: overhead p99'),
        measured: `${fmt(a.overhead.p99, 2)} ms`,
        limit: `<= ${LIMITS.aOverheadP99Ms} ms`,
        pass: atMost(a.overhead.p99, LIMITS.aOverheadP99Ms),
      });
    }

    const b = find(results, 'b', name);
    if (b) {
      const stated = sizes.bRate === 200 && sizes.bDurationS === 30;
      checks.push({
        target: label(`(b) ${sizes.bRate} jobs/s for ${sizes.bDurationS} s: overhead p99`),
        measured: `${fmt(b.overhead.p99, 2)} ms`,
        limit: `<= ${LIMITS.bOverheadP99Ms} ms`,
        pass: atMost(b.overhead.p99, LIMITS.bOverheadP99Ms),
        note: stated ? undefined : 'the target is stated at 200 jobs/s for 30 s',
      });
    }

    const handoff = find(results, 'd', name, (p) => p.startsWith('hand-off'));
    const ho = handoff?.extra.handoff_ms as { p50?: number; n: number } | undefined;
    if (ho) {
      checks.push({
        target: label('(d) fallback hand-off p50'),
        measured: `${fmt(ho.p50, 1)} ms (n=${ho.n})`,
        limit: `<= ${LIMITS.handoffP50Ms} ms`,
        pass: atMost(ho.p50, LIMITS.handoffP50Ms),
        note: 'attempt 1 start + latency_ms -> attempt 2 start; ms timestamps',
      });
    }
    const ref = find(results, 'd', name, (p) => p.startsWith('reference'));
    const open = find(results, 'd', name, (p) => p.startsWith('circuit open'));
    if (ref && open) {
      const added = (open.overhead.p50 ?? NaN) - (ref.overhead.p50 ?? NaN);
      const vsA = a ? (open.overhead.p50 ?? NaN) - (a.overhead.p50 ?? NaN) : undefined;
      const cmds = (open.redis.commandsPerJob ?? NaN) - (ref.redis.commandsPerJob ?? NaN);
      const cpu = (open.cpu.perJobMs ?? NaN) - (ref.cpu.perJobMs ?? NaN);
      const rounds = (open.extra.round_p50_differences_ms as number[] | undefined) ?? [];
      checks.push({
        target: label('(d) added time for new jobs once the circuit is open'),
        measured: `${sign(added)} ms p50 vs interleaved reference (per round ${rounds
          .map(sign)
          .join(', ')})${vsA === undefined ? '' : `; ${sign(vsA)} ms vs (a)`}; ${sign(
          cmds,
        )} Redis cmd/job, ${sign(cpu)} ms CPU/job`,
        // Faster than the reference adds no time.
        limit: `0 (Δp50 <= +${LIMITS.circuitOpenAddedMs} ms)`,
        pass: atMost(added, LIMITS.circuitOpenAddedMs),
        note: `${String(open.extra.planned_around_open_circuit ?? '?')}/${open.jobs} jobs planned straight to the fallback`,
      });
    }

    const trace = traces.find((t) => t.target === name)?.trace;
    if (trace) {
      const perJob = tracedCommandsPerJob(trace);
      const base = traces.find((t) => t.target === 'baseline')?.trace;
      checks.push({
        target: label('(a) Redis commands per job (MONITOR)'),
        measured: `${perJob.toFixed(1)}${base ? ` (baseline ${tracedCommandsPerJob(base).toFixed(1)})` : ''}`,
        limit: `<= ${LIMITS.redisCommandsPerJob}`,
        pass: perJob <= LIMITS.redisCommandsPerJob,
        note: `top-level + inside scripts, every process, ${trace.jobs} sequential jobs`,
      });
    }

    // Worker memory is a target of the split processes' worker; the all-in-one holds everything.
    const held = find(results, 'c', name, (p) => p.endsWith('in flight'));
    if (held && name === 'switchyard') {
      const workers = Object.entries(held.phaseRssMb).filter(([n]) => n.startsWith('worker-'));
      const worst = workers.sort((p, q) => q[1] - p[1])[0];
      if (worst) {
        const base = find(results, 'c', 'baseline', (p) => p === held.phase);
        checks.push({
          target: label('(c) worker RSS with 1,000 jobs in flight'),
          measured: `${worst[0]} ${worst[1].toFixed(0)} MB at ${held.maxActive ?? '?'} active${
            base
              ? ` (baseline worker ${(base.phaseRssMb['baseline-worker'] ?? 0).toFixed(0)} MB)`
              : ''
          }`,
          limit: `<= ${LIMITS.workerRssInFlightMb} MB`,
          pass: worst[1] <= LIMITS.workerRssInFlightMb,
          note:
            (held.maxActive ?? 0) < 1000 ? 'fewer than 1,000 jobs were active at once' : undefined,
        });
      }
      const idle = Object.entries(
        (held.extra.idle_rss_mb as Record<string, number> | undefined) ?? {},
      )
        .filter(([n]) => n.startsWith('worker-'))
        .sort((p, q) => q[1] - p[1])[0];
      if (idle) {
        checks.push({
          target: label('(c) worker RSS idle'),
          measured: `${idle[0]} ${idle[1].toFixed(0)} MB`,
          limit: `<= ${LIMITS.workerRssIdleMb} MB`,
          pass: idle[1] <= LIMITS.workerRssIdleMb,
          note: 'after the warm-up, no job in flight',
        });
      }
    }
  }
  return checks;
}
