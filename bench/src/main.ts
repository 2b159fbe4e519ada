/**
 * `npm run bench`: Switchyard's own cost per job, against a minimal BullMQ baseline measured in the
 * same run on the same simulator and Redis. See bench/README.md for the method.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Redis from 'ioredis';
import { BENCH_CLIENT, type PhaseResult } from './measure';
import { microTable, runMicro, runSdkMicro } from './micro';
import { evaluate } from './checks';
import {
  ALLINONE_SCENARIOS,
  parseOptions,
  sizesFor,
  USAGE,
  UsageError,
  type BenchOptions,
  type ScenarioName,
} from './options';
import { REPO_ROOT, sleep, snapshotDist } from './processes';
import { summarizeProfile } from './profile-summary';
import { countOwnRedisCommands } from './redis-stats';
import type { RedisTrace } from './redis-trace';
import {
  checksTable,
  details,
  mainTable,
  profileText,
  traceText,
  type ProfileEntry,
} from './report';
import {
  scenarioA,
  scenarioB,
  scenarioC,
  scenarioD,
  scenarioE,
  type ScenarioContext,
} from './scenarios';
import { ABORT_EXIT_CODES, watchForAbort } from './abort';
import { SimulatorProcess } from './simulator';
import { fmt } from './stats';
import { BaselineTarget, SwitchyardTarget, type Target, type TargetContext } from './targets';

const RESULTS_DIR = resolve(REPO_ROOT, 'bench/results');

interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  redis: string;
  loadavg: string;
}

function machine(redisVersion: string): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // keep os.cpus()
  }
  return {
    nproc,
    cpuModel,
    node: process.version,
    redis: redisVersion,
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * Set when a signal or a closed output stops the run: its cleanup then owns the exit, and the
 * errors of the scenario it cut short must not exit first, with processes and keys left behind.
 */
let aborting: Promise<void> | undefined;

async function waitForFiles(paths: string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !paths.every((p) => existsSync(p))) await sleep(100);
}

interface ScenarioRun {
  phases: PhaseResult[];
  traces: Array<{ target: string; trace: RedisTrace }>;
  profiles: ProfileEntry[];
}

async function runScenario(
  scenario: ScenarioName,
  options: BenchOptions,
  redis: Redis,
  sim: SimulatorProcess,
  runId: string,
  live: Set<Target>,
): Promise<ScenarioRun> {
  const sizes = sizesFor(scenario, options);
  const out: ScenarioRun = { phases: [], traces: [], profiles: [] };
  const targets = options.targets.filter((t) =>
    t === 'allinone'
      ? options.allinoneEverywhere || ALLINONE_SCENARIOS.includes(scenario)
      : t === 'baseline-batched'
        ? scenario === 'e'
        : scenario !== 'd' || t === 'switchyard',
  );
  for (const name of targets) {
    const profileOut = options.profile
      ? join(RESULTS_DIR, `prof-${runId}-${scenario}-${name}`)
      : undefined;
    const tctx: TargetContext = {
      redisUrl: options.redisUrl,
      simulatorUrl: sim.url,
      concurrency: sizes.concurrency,
      profileOut,
      env: options.env,
      dailyBudget: options.dailyBudget,
      databaseUrl: options.databaseUrl,
    };
    const target =
      name === 'baseline' || name === 'baseline-batched'
        ? new BaselineTarget(name, tctx, redis)
        : new SwitchyardTarget(name, tctx, redis);
    live.add(target);
    log(`[${scenario}] starting ${name} (concurrency ${sizes.concurrency})`);
    try {
      await target.start();
      await sim.resetStats();
      const ctx: ScenarioContext = {
        options,
        sizes,
        sim,
        redis,
        simulator: sim.process,
        profile: options.profile,
        log,
        pids: () => {
          const m = new Map<number, string>();
          for (const p of target.processes) if (p.pid !== undefined) m.set(p.pid, p.name);
          m.set(process.pid, BENCH_CLIENT);
          return m;
        },
      };
      log(`[${scenario}] ${name}: running`);
      let phases: PhaseResult[];
      switch (scenario) {
        case 'a': {
          const r = await scenarioA(ctx, target);
          phases = r.phases;
          if (r.trace) out.traces.push({ target: name, trace: r.trace });
          break;
        }
        case 'b':
          phases = await scenarioB(ctx, target);
          break;
        case 'c':
          phases = await scenarioC(ctx, target);
          break;
        case 'd': {
          const r = await scenarioD(ctx, target as SwitchyardTarget);
          phases = r.phases;
          if (r.trace) out.traces.push({ target: `${name}, hand-off jobs (d)`, trace: r.trace });
          break;
        }
        case 'e':
          phases = await scenarioE(ctx, target);
          break;
      }
      for (const p of phases)
        log(
          `[${scenario}] ${name} ${p.phase}: ${p.ok}/${p.jobs} ok, done/s ${fmt(p.completedPerS, 0)}, overhead p50 ${fmt(
            p.overhead.p50,
            2,
          )} ms, CPU ${fmt(p.cpu.perJobMs, 2)} ms/job`,
        );
      out.phases.push(...phases);
      if (profileOut) {
        const files = target.processes.flatMap((p) =>
          phases.map((_, i) => ({
            proc: p.name,
            phase: phases[i].phase,
            file: `${profileOut}-${p.name}-${i + 1}.cpuprofile.json`,
          })),
        );
        await waitForFiles(files.map((f) => f.file));
        for (const f of files) {
          if (!existsSync(f.file)) continue;
          out.profiles.push({
            scenario,
            phase: f.phase,
            target: name,
            process: f.proc,
            summary: summarizeProfile(f.file),
          });
        }
      }
    } catch (err) {
      log(`[${scenario}] ${name} failed: ${(err as Error).message}`);
      if (options.verbose)
        for (const p of target.processes) log(`--- ${p.name}\n${p.logs().slice(-3000)}`);
      throw err;
    } finally {
      await target.stop().catch((e: Error) => log(`stop ${name}: ${e.message}`));
      live.delete(target);
    }
  }
  return out;
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) process.stderr.write(`bench: ${err.message}\n\n`);
      process.stdout.write(USAGE);
      process.exit(err.message ? 2 : 0);
    }
    throw err;
  }
  countOwnRedisCommands();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  if (options.micro) {
    const results = [
      ...(await runMicro(options.redisUrl, options.quick)),
      ...(await runSdkMicro(options.quick)),
    ];
    process.stdout.write(`${microTable(results)}\n`);
    const outPath = options.out ? resolve(options.out) : join(RESULTS_DIR, `micro-${runId}.json`);
    writeFileSync(outPath, JSON.stringify({ runId, results }, null, 2));
    process.stdout.write(`\nJSON: ${outPath}\n`);
    return;
  }
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
  const host = machine(redisVersion);
  const commandLine = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  log(`bench ${runId}: ${commandLine}`);
  log(
    `machine: ${host.nproc} cores, ${host.cpuModel}, node ${host.node}, Redis ${host.redis}, load ${host.loadavg}`,
  );

  const live = new Set<Target>();
  let sim: SimulatorProcess | undefined;
  let interrupted = false;
  let dropSnapshot: (() => void) | undefined;
  const cleanup = async (): Promise<void> => {
    await Promise.allSettled([...live].map((t) => t.stop()));
    await sim?.stop().catch(() => undefined);
    redis.disconnect();
    dropSnapshot?.();
    dropSnapshot = undefined;
  };
  watchForAbort((reason) => {
    interrupted = true;
    log(`interrupted (${reason}): stopping processes and deleting the bench keys`);
    aborting = cleanup().then(() => process.exit(ABORT_EXIT_CODES[reason]));
  });

  const phases: PhaseResult[] = [];
  const traces: ScenarioRun['traces'] = [];
  const profiles: ProfileEntry[] = [];
  const started = Date.now();
  try {
    dropSnapshot = await snapshotDist(log);
    sim = await SimulatorProcess.start();
    for (const scenario of options.scenarios) {
      if (interrupted) break;
      const run = await runScenario(scenario, options, redis, sim, runId, live);
      phases.push(...run.phases);
      traces.push(...run.traces);
      profiles.push(...run.profiles);
    }
  } finally {
    if (!interrupted) await cleanup();
  }
  // A run cut short reports nothing: its cleanup is under way and exits when done.
  if (aborting) return aborting;

  const checks = evaluate(phases, traces, {
    eClients: sizesFor('e', options).clients,
    cBurst: sizesFor('c', options).n,
    bRate: options.rate,
    bDurationS: options.durationS,
  });
  const lines: string[] = [];
  lines.push('');
  lines.push(`Switchyard bench — ${new Date().toISOString()} — ${commandLine}`);
  lines.push(
    `machine: ${host.nproc} cores (${host.cpuModel}), node ${host.node}, Redis ${host.redis} (shared), load before ${host.loadavg}; ` +
      `provider latency ${options.providerLatencyMs} ms (+${options.providerJitterMs} jitter); ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  lines.push(
    'e2e = POST sent -> completion known to the client; ovh = e2e - provider call time measured by the worker; ' +
      'CPU = user+sys of every stack process (/proc), per completed job; Redis = server-wide command delta per job ' +
      '(includes commands inside Lua scripts and other clients of the shared server); all times ms.',
  );
  lines.push('');
  lines.push(mainTable(phases));
  lines.push('');
  lines.push('Targets');
  lines.push(checksTable(checks));
  lines.push('');
  lines.push(details(phases));
  for (const t of traces) {
    lines.push('');
    lines.push(traceText(t.target, t.trace));
  }
  if (profiles.length) {
    lines.push('');
    lines.push('CPU profiles (measured phases only; profiling inflates CPU time)');
    lines.push(profileText(profiles));
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  const outPath = options.out ? resolve(options.out) : join(RESULTS_DIR, `bench-${runId}.json`);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(
    outPath,
    JSON.stringify(
      { runId, commandLine, machine: host, options, phases, checks, traces, profiles },
      null,
      2,
    ),
  );
  process.stdout.write(`\nJSON: ${outPath}\n`);
}

main().catch(async (err: unknown) => {
  if (aborting) return aborting;
  log(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
