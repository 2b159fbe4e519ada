import {
  fetchInto,
  measurePhase,
  measureRaw,
  pool,
  runJob,
  summarize,
  type RawPhase,
  type JobSample,
  type MeasureContext,
  type PhaseResult,
  type RunJobOptions,
} from './measure';
import type { BenchOptions, Sizes } from './options';
import { sleep, waitUntilQuiet } from './processes';
import { traceRedis, type RedisTrace } from './redis-trace';
import { latencyRules, type SimulatorProcess } from './simulator';
import { distribution, percentile } from './stats';
import type { SwitchyardTarget, Target } from './targets';

export interface ScenarioContext extends MeasureContext {
  options: BenchOptions;
  sizes: Sizes;
  sim: SimulatorProcess;
  /** pid -> process name, for the Redis trace */
  pids: () => Map<number, string>;
  log: (line: string) => void;
}

const JOB_TIMEOUT_MS = 60_000;
/** How long a warmed-up target may take to go quiet before a phase is measured anyway. */
const SETTLE_TIMEOUT_MS = 30_000;
const NOTIFY: RunJobOptions = { mode: 'notify', fetch: true, timeoutMs: JOB_TIMEOUT_MS };
const WAIT: RunJobOptions = { mode: 'wait', fetch: false, timeoutMs: 30_000 };

let jobCounter = 0;
const nextIndex = (): number => jobCounter++;

async function sequential(target: Target, n: number, options = NOTIFY): Promise<JobSample[]> {
  const samples: JobSample[] = [];
  for (let i = 0; i < n; i++) samples.push(await runJob(target, nextIndex(), options));
  return samples;
}

/** Sequential jobs, then a small concurrent batch, so JIT and connection pools are warm. */
export async function warmUp(
  ctx: ScenarioContext,
  target: Target,
  mode: 'notify' | 'wait' = 'notify',
): Promise<void> {
  const opts = mode === 'wait' ? WAIT : NOTIFY;
  const n = ctx.sizes.warmup;
  if (n === 0) return;
  const seq = await sequential(target, n, opts);
  const par = await pool(n * 2, 10, () => runJob(target, nextIndex(), opts));
  const failed = [...seq, ...par].filter((s) => !s.ok);
  if (failed.length)
    throw new Error(`${target.name}: warm-up jobs failed: ${failed[0].error ?? 'unknown'}`);
  target.completions.clear();
  // Measured from quiet processes: what a fresh process compiles in the background after its
  // first jobs (PGlite's WebAssembly in the all-in-one above all) is not a cost of the jobs.
  const settling = await waitUntilQuiet(target.processes, SETTLE_TIMEOUT_MS);
  const share = `${(settling.coreShare * 100).toFixed(0)} % of a core`;
  ctx.log(
    settling.quiet
      ? `[${target.name}] quiet ${(settling.waitedMs / 1000).toFixed(1)} s after the warm-up (${share})`
      : `[${target.name}] warning: still busy ${SETTLE_TIMEOUT_MS / 1000} s after the warm-up (${share}); measuring anyway`,
  );
}

async function setLatency(
  ctx: ScenarioContext,
  target: Target,
  extra: Parameters<SimulatorProcess['setFaults']>[0] = [],
): Promise<void> {
  await ctx.sim.setFaults([
    ...latencyRules(
      target.simulatedProviders,
      ctx.options.providerLatencyMs,
      ctx.options.providerJitterMs,
    ),
    ...extra,
  ]);
}

/** (a) One job in flight at a time: the router's pure overhead. */
export async function scenarioA(
  ctx: ScenarioContext,
  target: Target,
): Promise<{ phases: PhaseResult[]; trace?: RedisTrace }> {
  await setLatency(ctx, target);
  await warmUp(ctx, target);
  const phase = await measurePhase(ctx, target, 'a', 'sequential', async () => ({
    samples: await sequential(target, ctx.sizes.n),
  }));
  let trace: RedisTrace | undefined;
  if (ctx.options.redisTrace) {
    trace = await traceRedis(ctx.options.redisUrl, ctx.pids(), async () => {
      const samples = await sequential(target, 5);
      return samples.filter((s) => s.ok).length;
    });
  }
  return { phases: [phase], trace };
}

/** (b) Open-loop steady load: a job every 1/rate s for the duration, whatever the answers do. */
export async function scenarioB(ctx: ScenarioContext, target: Target): Promise<PhaseResult[]> {
  await setLatency(ctx, target);
  await warmUp(ctx, target);
  const { rate, durationS } = ctx.options;
  const total = rate * durationS;
  const phase = await measurePhase(ctx, target, 'b', `${rate}/s x ${durationS}s`, async () => {
    const jobs: Array<Promise<JobSample>> = [];
    const start = performance.now();
    const interval = 1000 / rate;
    let maxLagMs = 0;
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      maxLagMs = Math.max(maxLagMs, performance.now() - due);
      jobs.push(runJob(target, nextIndex(), NOTIFY));
    }
    const samples = await Promise.all(jobs);
    return { samples, extra: { schedule_max_lag_ms: maxLagMs, offered_rate: rate } };
  });
  return [phase];
}

/** (c) A burst: n jobs submitted as fast as `clients` parallel submitters can, then drained. */
export async function scenarioC(ctx: ScenarioContext, target: Target): Promise<PhaseResult[]> {
  await setLatency(ctx, target);
  await warmUp(ctx, target);
  const { n, clients } = ctx.sizes;
  // Idle memory: warmed up, nothing in flight, a moment for the last jobs' garbage to go.
  await sleep(1000);
  const idleRssMb = Object.fromEntries(target.processes.map((p) => [p.name, p.memory().rssMb]));

  // First, on processes that have only been warmed up: hold `concurrency` (1,000) jobs in the
  // worker at once with slow provider calls, and watch memory.
  const holdMs = Math.max(ctx.options.providerLatencyMs, 15_000);
  await ctx.sim.setFaults(
    target.simulatedProviders.map((provider) => ({ provider, latency_ms: holdMs })),
  );
  const inFlight = ctx.sizes.concurrency;
  const held = await measurePhase(ctx, target, 'c', `${inFlight} in flight`, async () => ({
    samples: await burst(target, inFlight, clients, holdMs + 120_000),
    extra: { provider_latency_ms: holdMs, idle_rss_mb: idleRssMb },
  }));

  // Then the burst at the configured provider latency: throughput.
  await setLatency(ctx, target);
  const phase = await measurePhase(ctx, target, 'c', `burst ${n}`, async () => ({
    samples: await burst(target, n, clients, 120_000),
  }));
  return [held, phase];
}

/**
 * `count` jobs submitted by `clients` submitters as fast as the API answers; each waits for its
 * completion in the background so its submitter moves straight on. Then every result is read
 * back, 32 at a time, as a client would.
 */
async function burst(
  target: Target,
  count: number,
  clients: number,
  timeoutMs: number,
): Promise<JobSample[]> {
  const pending: Array<Promise<JobSample>> = [];
  await pool(count, clients, async () => {
    let release!: () => void;
    const submitted = new Promise<void>((r) => (release = r));
    pending.push(runJobAfterAck(target, nextIndex(), { ...NOTIFY, timeoutMs }, release));
    await submitted;
  });
  const samples = await Promise.all(pending);
  await pool(samples.length, 32, async (i) => {
    if (samples[i].doneAt !== undefined) await fetchInto(target, samples[i]);
  });
  return samples;
}

/** runJob, calling `acked` as soon as the submit answered (or failed). */
async function runJobAfterAck(
  target: Target,
  index: number,
  options: RunJobOptions,
  acked: () => void,
): Promise<JobSample> {
  const sample: JobSample = { index, ok: false, sentAt: performance.now() };
  let id: string;
  try {
    const res = await target.submit(index, 0);
    sample.ackMs = performance.now() - sample.sentAt;
    sample.id = res.id;
    if (!res.id || res.error) {
      sample.error = `submit ${res.status}: ${res.error ?? 'no id'}`;
      return sample;
    }
    id = res.id;
  } catch (err) {
    sample.error = `submit: ${(err as Error).message}`;
    return sample;
  } finally {
    acked();
  }
  const doneAt = await target.completions.wait(id, options.timeoutMs);
  if (doneAt === undefined) {
    sample.error = 'no completion within the timeout';
    return sample;
  }
  sample.doneAt = doneAt;
  sample.e2eMs = doneAt - sample.sentAt;
  sample.ok = true;
  return sample;
}

/**
 * (d) Primary failing 100 % (500s). hand-off: every job fails on the primary and falls back; the
 * bench forgets the primary's circuit before each job so every job takes the hand-off path.
 * Then, interleaved in rounds so that drift of the shared machine hits both alike: reference
 * blocks (no fault, circuit reset) and circuit-open blocks (the circuit is let open by a few
 * failing jobs; new jobs are planned straight onto the fallback).
 */
export async function scenarioD(
  ctx: ScenarioContext,
  target: SwitchyardTarget,
): Promise<{ phases: PhaseResult[]; trace?: RedisTrace }> {
  const n = ctx.sizes.n;
  const latency = latencyRules(
    target.simulatedProviders,
    ctx.options.providerLatencyMs,
    ctx.options.providerJitterMs,
  );
  // Latency and failure on the same provider merge into one rule.
  const failPrimary = async (): Promise<void> =>
    ctx.sim.setFaults([
      ...latency.filter((r) => r.provider !== 'openai'),
      {
        ...latency.find((r) => r.provider === 'openai'),
        provider: 'openai',
        error_rate: 1,
        status: 500,
      },
    ]);
  await setLatency(ctx, target);
  await warmUp(ctx, target);

  await failPrimary();
  // A few untimed fallback jobs first: the router's and fallback worker's paths are cold.
  for (let i = 0; i < Math.min(20, ctx.sizes.warmup); i++) {
    await target.resetPrimaryCircuit();
    await runJob(target, nextIndex(), NOTIFY);
  }
  const handoffs: number[] = [];
  const handoff = await measurePhase(ctx, target, 'd', 'hand-off (primary 500s)', async () => {
    const samples: JobSample[] = [];
    for (let i = 0; i < n; i++) {
      await target.resetPrimaryCircuit();
      const s = await runJob(target, nextIndex(), NOTIFY);
      samples.push(s);
      const [first, second] = s.outcome?.attempts ?? [];
      if (s.ok && first && second && first.status === 'failed') {
        handoffs.push(second.startedAtMs - (first.startedAtMs + first.latencyMs));
      }
    }
    return {
      samples,
      extra: { handoff_ms: distribution(handoffs), jobs_with_handoff: handoffs.length },
    };
  });
  let trace: RedisTrace | undefined;
  if (ctx.options.redisTrace) {
    trace = await traceRedis(ctx.options.redisUrl, ctx.pids(), async () => {
      let ok = 0;
      for (let i = 0; i < 3; i++) {
        await target.resetPrimaryCircuit();
        if ((await runJob(target, nextIndex(), NOTIFY)).ok) ok++;
      }
      return ok;
    });
  }

  const rounds = ctx.options.quick ? 2 : 4;
  const block = Math.max(5, Math.ceil(n / rounds));
  const refBlocks: RawPhase[] = [];
  const openBlocks: RawPhase[] = [];
  const diffs: number[] = [];
  let notOpened = 0;
  for (let round = 0; round < rounds; round++) {
    await setLatency(ctx, target);
    await target.resetPrimaryCircuit();
    const ref = await measureRaw(
      ctx,
      target,
      async () => ({ samples: await sequential(target, block) }),
      false,
    );
    refBlocks.push(ref);
    // Let the circuit open: jobs fail over until one is planned around the primary.
    await failPrimary();
    let opened = false;
    for (let i = 0; i < 30 && !opened; i++) {
      opened = !!(await runJob(target, nextIndex(), NOTIFY)).outcome?.circuitSkipped;
    }
    if (!opened) notOpened++;
    const open = await measureRaw(
      ctx,
      target,
      async () => ({ samples: await sequential(target, block) }),
      false,
    );
    openBlocks.push(open);
    const p50 = (r: RawPhase) =>
      percentile(
        r.samples
          .filter((x) => x.ok && x.outcome)
          .map((x) => (x.e2eMs ?? 0) - (x.outcome?.providerMs ?? 0)),
        50,
      ) ?? NaN;
    diffs.push(p50(open) - p50(ref));
  }
  if (notOpened) ctx.log(`  warning: the primary circuit did not open in ${notOpened} round(s)`);
  await setLatency(ctx, target);
  await target.resetPrimaryCircuit();
  const reference = summarize('d', 'reference (no fault)', target.name, refBlocks);
  const openCircuit = summarize('d', 'circuit open', target.name, openBlocks);
  openCircuit.extra.planned_around_open_circuit = openBlocks
    .flatMap((b) => b.samples)
    .filter((x) => x.outcome?.circuitSkipped && x.outcome.attempts.length === 1).length;
  openCircuit.extra.round_p50_differences_ms = diffs.map((d) => Math.round(d * 100) / 100);
  return { phases: [handoff, reference, openCircuit], trace };
}

/** (e) Prefer: wait: sequential jobs (overhead), then `clients` closed-loop clients (throughput). */
export async function scenarioE(ctx: ScenarioContext, target: Target): Promise<PhaseResult[]> {
  await setLatency(ctx, target);
  await warmUp(ctx, target, 'wait');
  const { n, clients } = ctx.sizes;
  const seq = await measurePhase(ctx, target, 'e', 'Prefer: wait, sequential', async () => ({
    samples: await sequential(target, n, WAIT),
  }));
  const total = n * 5;
  const par = await measurePhase(
    ctx,
    target,
    'e',
    `Prefer: wait, ${clients} clients`,
    async () => ({
      samples: await pool(total, clients, () => runJob(target, nextIndex(), WAIT)),
    }),
  );
  return [seq, par];
}
