import { evaluate, tracedCommandsPerJob } from './checks';
import type { PhaseResult } from './measure';
import { parseOptions, sizesFor } from './options';
import type { RedisTrace } from './redis-trace';
import type { TargetCheck } from './report';
import { distribution } from './stats';

const SIZES = { eClients: 50, cBurst: 5000, bRate: 200, bDurationS: 30 };

function phase(
  scenario: string,
  phaseName: string,
  target: PhaseResult['target'],
  over: Partial<PhaseResult> & { cpuPerJob?: number; overheads?: number[] } = {},
): PhaseResult {
  const { cpuPerJob = 1, overheads = [1], ...rest } = over;
  return {
    scenario,
    phase: phaseName,
    target,
    jobs: 100,
    ok: 100,
    failed: 0,
    errors: [],
    wallS: 1,
    completedPerS: 100,
    e2e: distribution(overheads),
    overhead: distribution(overheads),
    ack: distribution([]),
    fetch: distribution([]),
    provider: distribution([]),
    breakdown: {},
    cpu: { processes: [], totalMs: cpuPerJob * 100, perJobMs: cpuPerJob },
    simulatorCpuMs: 0,
    clientCpuMs: 0,
    redis: { commands: 0, cpuMs: 0, top: [] },
    peakRssMb: {},
    phaseRssMb: {},
    extra: {},
    ...rest,
  };
}

const verdict = (checks: TargetCheck[], prefix: string): boolean | undefined => {
  const c = checks.find((k) => k.target.startsWith(prefix));
  if (!c) throw new Error(`no check "${prefix}" in ${checks.map((k) => k.target).join('; ')}`);
  return c.pass;
};

describe('evaluate (issue 15 targets)', () => {
  it('passes (e) throughput at 1.3x the baseline and misses below, for each Switchyard target', () => {
    const checks = evaluate(
      [
        phase('e', 'Prefer: wait, 50 clients', 'baseline', { completedPerS: 100 }),
        phase('e', 'Prefer: wait, 50 clients', 'switchyard', { completedPerS: 130 }),
        phase('e', 'Prefer: wait, 50 clients', 'allinone', { completedPerS: 129 }),
      ],
      [],
      SIZES,
    );
    expect(verdict(checks, '(e) Prefer: wait, 50 clients: completed/s [switchyard]')).toBe(true);
    expect(verdict(checks, '(e) Prefer: wait, 50 clients: completed/s [allinone]')).toBe(false);
  });

  it('holds CPU per job to 1.0x the baseline in a, the burst of c and e, not in the held phase', () => {
    const checks = evaluate(
      [
        phase('a', 'sequential', 'baseline', { cpuPerJob: 4 }),
        phase('a', 'sequential', 'switchyard', { cpuPerJob: 4 }),
        phase('c', 'burst 5000', 'baseline', { cpuPerJob: 4 }),
        phase('c', 'burst 5000', 'switchyard', { cpuPerJob: 4.1 }),
        phase('c', '1000 in flight', 'baseline', { cpuPerJob: 1 }),
        phase('c', '1000 in flight', 'switchyard', { cpuPerJob: 9 }),
      ],
      [],
      SIZES,
    );
    expect(verdict(checks, '(a) sequential: CPU/job [switchyard]')).toBe(true);
    expect(verdict(checks, '(c) burst 5000: CPU/job [switchyard]')).toBe(false);
    expect(checks.some((c) => c.target.startsWith('(c) 1000 in flight: CPU'))).toBe(false);
  });

  it('applies the latency limits of a, b and d', () => {
    const checks = evaluate(
      [
        phase('a', 'sequential', 'switchyard', { overheads: [1.9, 2, 2, 5.9] }),
        phase('b', '200/s x 30s', 'switchyard', { overheads: [10, 26] }),
        phase('d', 'hand-off (primary 500s)', 'switchyard', {
          extra: { handoff_ms: distribution([3, 3, 4]) },
        }),
      ],
      [],
      SIZES,
    );
    expect(verdict(checks, '(a) one job in flight: overhead p50')).toBe(true);
    expect(verdict(checks, '(a) one job in flight: overhead p99')).toBe(true);
    expect(verdict(checks, '(b) 200 jobs/s for 30 s: overhead p99')).toBe(false);
    expect(verdict(checks, '(d) fallback hand-off p50')).toBe(true);
  });

  it('counts Redis commands from the trace without the bench client, limit 40', () => {
    const trace: RedisTrace = {
      jobs: 5,
      log: [],
      perProcess: [
        { process: 'ingress', roundTripsPerJob: 5, inScriptPerJob: 15, commands: [] },
        { process: 'worker-openai', roundTripsPerJob: 5, inScriptPerJob: 16, commands: [] },
        { process: 'bench-client', roundTripsPerJob: 3, inScriptPerJob: 0, commands: [] },
      ],
    };
    expect(tracedCommandsPerJob(trace)).toBe(41);
    const checks = evaluate(
      [phase('a', 'sequential', 'switchyard')],
      [{ target: 'switchyard', trace }],
      SIZES,
    );
    expect(verdict(checks, '(a) Redis commands per job')).toBe(false);
  });

  it('checks worker RSS with 1,000 in flight (150 MB) and idle (100 MB) on the split processes', () => {
    const checks = evaluate(
      [
        phase('c', '1000 in flight', 'switchyard', {
          phaseRssMb: { ingress: 300, 'worker-openai': 149, 'worker-fallback': 90 },
          maxActive: 1000,
          extra: { idle_rss_mb: { ingress: 200, 'worker-openai': 101, 'worker-fallback': 80 } },
        }),
      ],
      [],
      SIZES,
    );
    expect(verdict(checks, '(c) worker RSS with 1,000 jobs in flight')).toBe(true);
    expect(verdict(checks, '(c) worker RSS idle')).toBe(false);
  });
});

describe('bench defaults', () => {
  it('match issue 15: e 50 clients, c a burst of 5,000, b 200/s for 30 s, every target', () => {
    const options = parseOptions([], {});
    expect(sizesFor('e', options).clients).toBe(50);
    expect(sizesFor('c', options).n).toBe(5000);
    expect([options.rate, options.durationS]).toEqual([200, 30]);
    expect(options.targets).toEqual(['baseline', 'switchyard', 'allinone']);
  });

  it('reads --target lists, both and all', () => {
    expect(parseOptions(['--target', 'allinone,baseline'], {}).targets).toEqual([
      'baseline',
      'allinone',
    ]);
    expect(parseOptions(['--target=both'], {}).targets).toEqual(['baseline', 'switchyard']);
    expect(parseOptions(['--target', 'switchyard'], {}).allinoneEverywhere).toBe(false);
    expect(() => parseOptions(['--target', 'portkey'], {})).toThrow(/unknown target/);
  });

  it('runs baseline-batched only when named, and never as part of all', () => {
    expect(parseOptions(['--target', 'all'], {}).targets).not.toContain('baseline-batched');
    expect(parseOptions(['--target', 'switchyard,baseline-batched,baseline'], {}).targets).toEqual([
      'baseline',
      'baseline-batched',
      'switchyard',
    ]);
  });
});
