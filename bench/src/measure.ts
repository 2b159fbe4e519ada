import type Redis from 'ioredis';
import type { TargetName } from './options';
import {
  CpuWindow,
  PidSetCpu,
  SelfCpuWindow,
  type BenchProcess,
  type ProcessUsage,
} from './processes';
import { readRedisCounters, redisDelta, type RedisDelta } from './redis-stats';
import { distribution, percentile, type Distribution } from './stats';
import type { JobOutcome, SubmitResult, Target } from './targets';

/** One job as the client saw it. */
export interface JobSample {
  index: number;
  id?: string;
  ok: boolean;
  error?: string;
  /** performance.now() when the submit request was sent */
  sentAt: number;
  /** POST round trip (ms) */
  ackMs?: number;
  /** Submit sent -> the client knows the job finished (ms) */
  e2eMs?: number;
  /** performance.now() when the client knew */
  doneAt?: number;
  /** GET of the finished job (ms) */
  fetchMs?: number;
  outcome?: JobOutcome;
}

export type CompletionMode = 'notify' | 'wait';

export interface RunJobOptions {
  mode: CompletionMode;
  /** Read the job back right after its completion notice (notify mode) */
  fetch: boolean;
  timeoutMs: number;
}

export const epochOf = (perfNow: number): number => performance.timeOrigin + perfNow;

/**
 * One job through the API. notify: POST (202), wait for the completion notice, then GET it back;
 * wait: POST with `Prefer: wait=N`, whose 200 answer already holds the finished job.
 */
export async function runJob(
  target: Target,
  index: number,
  options: RunJobOptions,
): Promise<JobSample> {
  const sample: JobSample = { index, ok: false, sentAt: performance.now() };
  let res: SubmitResult;
  try {
    res = await target.submit(
      index,
      options.mode === 'wait' ? Math.ceil(options.timeoutMs / 1000) : 0,
    );
  } catch (err) {
    sample.error = `submit: ${(err as Error).message}`;
    return sample;
  }
  const acked = performance.now();
  sample.ackMs = acked - sample.sentAt;
  sample.id = res.id;
  if (!res.id || res.error) {
    sample.error = `submit ${res.status}: ${res.error ?? 'no id'}`;
    return sample;
  }
  if (options.mode === 'wait') {
    if (res.status !== 200 || !res.outcome) {
      sample.error = `Prefer: wait answered ${res.status}`;
      return sample;
    }
    sample.doneAt = acked;
    sample.e2eMs = sample.ackMs;
    sample.outcome = res.outcome;
  } else {
    const doneAt = await target.completions.wait(res.id, options.timeoutMs);
    if (doneAt === undefined) {
      sample.error = 'no completion within the timeout';
      return sample;
    }
    sample.doneAt = doneAt;
    sample.e2eMs = doneAt - sample.sentAt;
    if (options.fetch) await fetchInto(target, sample);
  }
  sample.ok = sample.outcome ? sample.outcome.status === 'succeeded' : sample.e2eMs !== undefined;
  return sample;
}

export async function fetchInto(target: Target, sample: JobSample): Promise<void> {
  if (!sample.id) return;
  const t = performance.now();
  try {
    sample.outcome = await target.fetch(sample.id);
    sample.fetchMs = performance.now() - t;
    if (!sample.outcome) sample.error = 'GET did not find the job';
  } catch (err) {
    sample.error = `fetch: ${(err as Error).message}`;
  }
  sample.ok = !!sample.outcome && sample.outcome.status === 'succeeded';
}

/** Runs `fn` over indices with at most `parallel` in flight. */
export async function pool<T>(
  count: number,
  parallel: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/** Median stage times from the servers' own timestamps (ms resolution, one clock: same machine). */
export interface Breakdown {
  /** client sends the POST -> the job is recorded (HTTP, auth, validation, planning) */
  submitToCreated?: number;
  /** job recorded -> the worker starts the attempt (record, enqueue, queue pickup, attempt start) */
  createdToAttempt?: number;
  /** the worker's provider call time (result.latency_ms) */
  providerCall?: number;
  /** attempt start + call time -> job finished (pre-call checks, post-call bookkeeping, finalize) */
  attemptRestToFinished?: number;
  /** job finished -> the client knows (completion notice, or the Prefer: wait answer) */
  finishedToClient?: number;
}

function breakdownOf(samples: JobSample[]): Breakdown {
  const pick = (f: (s: JobSample, o: JobOutcome) => number | undefined): number | undefined => {
    const values: number[] = [];
    for (const s of samples) {
      if (!s.ok || !s.outcome) continue;
      const v = f(s, s.outcome);
      if (v !== undefined && Number.isFinite(v)) values.push(v);
    }
    return percentile(values, 50);
  };
  const last = (o: JobOutcome) => o.attempts[o.attempts.length - 1];
  return {
    submitToCreated: pick((s, o) =>
      o.createdAtMs === undefined ? undefined : o.createdAtMs - epochOf(s.sentAt),
    ),
    createdToAttempt: pick((_s, o) =>
      o.createdAtMs === undefined || !o.attempts[0]
        ? undefined
        : o.attempts[0].startedAtMs - o.createdAtMs,
    ),
    providerCall: pick((_s, o) => o.providerMs),
    attemptRestToFinished: pick((_s, o) => {
      const a = last(o);
      return a && o.finishedAtMs !== undefined
        ? o.finishedAtMs - (a.startedAtMs + a.latencyMs)
        : undefined;
    }),
    finishedToClient: pick((s, o) =>
      o.finishedAtMs === undefined || s.doneAt === undefined
        ? undefined
        : epochOf(s.doneAt) - o.finishedAtMs,
    ),
  };
}

export interface PhaseResult {
  scenario: string;
  phase: string;
  target: TargetName;
  jobs: number;
  ok: number;
  failed: number;
  errors: string[];
  wallS: number;
  submittedPerS?: number;
  completedPerS?: number;
  e2e: Distribution;
  overhead: Distribution;
  ack: Distribution;
  fetch: Distribution;
  provider: Distribution;
  breakdown: Breakdown;
  cpu: { processes: ProcessUsage[]; totalMs: number; perJobMs?: number };
  simulatorCpuMs: number;
  clientCpuMs: number;
  redis: RedisDelta & { commandsPerJob?: number; cpuMsPerJob?: number };
  /** VmHWM: peak resident set since the process started */
  peakRssMb: Record<string, number>;
  /** Highest VmRSS sampled (every 250 ms) during this phase */
  phaseRssMb: Record<string, number>;
  maxActive?: number;
  extra: Record<string, unknown>;
}

export interface MeasureContext {
  redis: Redis;
  simulator: BenchProcess;
  profile: boolean;
}

/** The bench process itself, as named in the Redis trace. */
export const BENCH_CLIENT = 'bench-client';

/** The name under which a target's PostgreSQL ledger backends appear among its processes. */
export const LEDGER_BACKENDS = 'postgres-backends';

/** What one measured block of jobs produced, before summarising. */
export interface RawPhase {
  samples: JobSample[];
  extra: Record<string, unknown>;
  wallS: number;
  usage: ProcessUsage[];
  simulatorCpuMs: number;
  clientCpuMs: number;
  redis: RedisDelta;
  phaseRss: Record<string, number>;
  maxActive: number;
}

/**
 * Measures one block of jobs: CPU of every process of the target (from /proc), the simulator's
 * and the client's CPU separately, Redis command and CPU deltas, RSS, and a gauge of the jobs
 * active in the primary worker.
 */
export async function measureRaw(
  ctx: MeasureContext,
  target: Target,
  run: () => Promise<{ samples: JobSample[]; extra?: Record<string, unknown> }>,
  profile = ctx.profile,
): Promise<RawPhase> {
  let maxActive = 0;
  let sampling = true;
  const phaseRss: Record<string, number> = {};
  const ledgerCpu = new PidSetCpu();
  ledgerCpu.observe(await target.ledgerBackends());
  const gauge = (async () => {
    while (sampling) {
      try {
        maxActive = Math.max(maxActive, await target.activeJobs());
        ledgerCpu.observe(await target.ledgerBackends());
      } catch {
        // gauge only
      }
      for (const p of target.processes) {
        phaseRss[p.name] = Math.max(phaseRss[p.name] ?? 0, p.memory().rssMb);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  if (profile) target.toggleProfiler();
  const redisBefore = await readRedisCounters(ctx.redis);
  const cpu = new CpuWindow(target.processes);
  const simCpu = new CpuWindow([ctx.simulator]);
  const self = new SelfCpuWindow();
  const t0 = performance.now();
  const { samples, extra } = await run();
  const wallS = (performance.now() - t0) / 1000;
  ledgerCpu.observe(await target.ledgerBackends());
  const usage = cpu.finish();
  if (target.ledger === 'postgres')
    usage.push({ name: LEDGER_BACKENDS, cpuMs: ledgerCpu.totalMs(), peakRssMb: 0 });
  const simulatorCpuMs = simCpu.finish()[0].cpuMs;
  const clientCpuMs = self.finishMs();
  sampling = false;
  await gauge;
  const redisAfter = await readRedisCounters(ctx.redis);
  if (profile) target.toggleProfiler();
  return {
    samples,
    extra: extra ?? {},
    wallS,
    usage,
    simulatorCpuMs,
    clientCpuMs,
    redis: redisDelta(redisBefore, redisAfter),
    phaseRss,
    maxActive,
  };
}

/** Sums blocks measured separately (interleaved phases) into one phase. */
function mergeRaw(raws: RawPhase[]): RawPhase {
  if (raws.length === 1) return raws[0];
  const usage = new Map<string, { cpuMs: number; peakRssMb: number; writeSyscalls?: number }>();
  const top = new Map<string, number>();
  const phaseRss: Record<string, number> = {};
  for (const r of raws) {
    for (const u of r.usage) {
      const m = usage.get(u.name) ?? { cpuMs: 0, peakRssMb: 0, writeSyscalls: 0 };
      usage.set(u.name, {
        cpuMs: m.cpuMs + u.cpuMs,
        peakRssMb: Math.max(m.peakRssMb, u.peakRssMb),
        // Only while every block could count them.
        writeSyscalls:
          m.writeSyscalls === undefined || u.writeSyscalls === undefined
            ? undefined
            : m.writeSyscalls + u.writeSyscalls,
      });
    }
    for (const t of r.redis.top) top.set(t.command, (top.get(t.command) ?? 0) + t.calls);
    for (const [n, mb] of Object.entries(r.phaseRss)) phaseRss[n] = Math.max(phaseRss[n] ?? 0, mb);
  }
  const sum = (f: (r: RawPhase) => number) => raws.reduce((a, r) => a + f(r), 0);
  return {
    samples: raws.flatMap((r) => r.samples),
    extra: Object.assign({}, ...raws.map((r) => r.extra)) as Record<string, unknown>,
    wallS: sum((r) => r.wallS),
    usage: [...usage].map(([name, u]) => ({ name, ...u })),
    simulatorCpuMs: sum((r) => r.simulatorCpuMs),
    clientCpuMs: sum((r) => r.clientCpuMs),
    redis: {
      commands: sum((r) => r.redis.commands),
      cpuMs: sum((r) => r.redis.cpuMs),
      top: [...top]
        .map(([command, calls]) => ({ command, calls }))
        .sort((a, b) => b.calls - a.calls)
        .slice(0, 12),
    },
    phaseRss,
    maxActive: Math.max(...raws.map((r) => r.maxActive)),
  };
}

/** The client-side distributions of a phase's samples, with its resource figures. */
export function summarize(
  scenario: string,
  phase: string,
  targetName: TargetName,
  raws: RawPhase[],
): PhaseResult {
  const raw = mergeRaw(raws);
  const { samples, usage } = raw;
  const ok = samples.filter((s) => s.ok);
  const errors = [...new Set(samples.filter((s) => !s.ok).map((s) => s.error ?? 'failed'))].slice(
    0,
    5,
  );
  const totalMs = usage.reduce((a, u) => a + u.cpuMs, 0);
  const delta = raw.redis;
  // Rates only mean something over one continuous block.
  const continuous = raws.length === 1;
  const firstSent = Math.min(...samples.map((s) => s.sentAt));
  const acks = samples.filter((s) => s.ackMs !== undefined).map((s) => s.sentAt + (s.ackMs ?? 0));
  const dones = ok.filter((s) => s.doneAt !== undefined).map((s) => s.doneAt ?? 0);
  const lastAck = acks.length ? Math.max(...acks) : undefined;
  const lastDone = dones.length ? Math.max(...dones) : undefined;
  const overheads = ok
    .filter((s) => s.e2eMs !== undefined && s.outcome)
    .map((s) => (s.e2eMs ?? 0) - (s.outcome?.providerMs ?? 0));
  return {
    scenario,
    phase,
    target: targetName,
    jobs: samples.length,
    ok: ok.length,
    failed: samples.length - ok.length,
    errors,
    wallS: raw.wallS,
    submittedPerS: !continuous
      ? acks.length / raw.wallS || undefined
      : lastAck !== undefined && lastAck > firstSent
        ? (acks.length * 1000) / (lastAck - firstSent)
        : undefined,
    completedPerS: !continuous
      ? dones.length / raw.wallS || undefined
      : lastDone !== undefined && lastDone > firstSent
        ? (dones.length * 1000) / (lastDone - firstSent)
        : undefined,
    e2e: distribution(ok.map((s) => s.e2eMs ?? 0)),
    overhead: distribution(overheads),
    ack: distribution(samples.filter((s) => s.ackMs !== undefined).map((s) => s.ackMs ?? 0)),
    fetch: distribution(ok.filter((s) => s.fetchMs !== undefined).map((s) => s.fetchMs ?? 0)),
    provider: distribution(ok.filter((s) => s.outcome).map((s) => s.outcome?.providerMs ?? 0)),
    breakdown: breakdownOf(samples),
    cpu: { processes: usage, totalMs, perJobMs: ok.length ? totalMs / ok.length : undefined },
    simulatorCpuMs: raw.simulatorCpuMs,
    clientCpuMs: raw.clientCpuMs,
    redis: {
      ...delta,
      commandsPerJob: ok.length ? delta.commands / ok.length : undefined,
      cpuMsPerJob: ok.length ? delta.cpuMs / ok.length : undefined,
    },
    peakRssMb: Object.fromEntries(
      usage.filter((u) => u.name !== LEDGER_BACKENDS).map((u) => [u.name, u.peakRssMb]),
    ),
    phaseRssMb: raw.phaseRss,
    maxActive: raw.maxActive,
    extra: { ...raw.extra, ...(continuous ? {} : { blocks: raws.length }) },
  };
}

/** Measures one continuous phase (see measureRaw) and summarises it. */
export async function measurePhase(
  ctx: MeasureContext,
  target: Target,
  scenario: string,
  phase: string,
  run: () => Promise<{ samples: JobSample[]; extra?: Record<string, unknown> }>,
): Promise<PhaseResult> {
  return summarize(scenario, phase, target.name, [await measureRaw(ctx, target, run)]);
}
