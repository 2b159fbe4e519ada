/**
 * Command-line options of `npm run bench -- [options]`. Every scenario has sizes of its own; the
 * generic options (--n, --concurrency, ...) override them, --quick shrinks all of them for a smoke
 * run.
 */
export const SCENARIOS = ['a', 'b', 'c', 'd', 'e'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const TARGETS = ['baseline', 'switchyard', 'allinone'] as const;
/**
 * Run only when named, and only in scenario e: the baseline with its `Prefer: wait` submissions
 * of one event-loop turn riding one BullMQ job, which measures what a batched queue path is worth.
 */
export const EXTRA_TARGETS = ['baseline-batched'] as const;
/** switchyard: the split processes (PostgreSQL ledger); allinone: `npm start` (PGlite ledger) */
export type TargetName = (typeof TARGETS)[number] | (typeof EXTRA_TARGETS)[number];
/** Every target, in the order a run starts them. */
const RUN_ORDER: readonly TargetName[] = ['baseline', 'baseline-batched', 'switchyard', 'allinone'];

/** Scenarios the all-in-one runs in by default: the ones #15 states its targets for. */
export const ALLINONE_SCENARIOS: readonly ScenarioName[] = ['a', 'c', 'e'];

export interface BenchOptions {
  scenarios: ScenarioName[];
  targets: TargetName[];
  /** The all-in-one was named in --target: it runs in every scenario, not only a, c and e */
  allinoneEverywhere: boolean;
  /** Jobs measured per scenario (a: sequential jobs, c: burst size, d: jobs per phase, e: sequential jobs) */
  n?: number;
  /** Worker concurrency: the routing table's provider concurrency and the baseline worker's */
  concurrency?: number;
  /** Parallel client loops (burst submitters in c, closed-loop clients in the parallel part of e) */
  clients?: number;
  /** Jobs per second in scenario b */
  rate: number;
  /** Seconds of steady load in scenario b */
  durationS: number;
  /** Simulated provider latency (ms) and its jitter */
  providerLatencyMs: number;
  providerJitterMs: number;
  /** Sequential warm-up jobs before every measured phase (fresh processes per scenario) */
  warmup?: number;
  quick: boolean;
  /** Where the JSON report goes; default bench/results/bench-<timestamp>.json */
  out?: string;
  /** CPU-profile every stack process during the measured phase (inflates the CPU figures) */
  profile: boolean;
  /** Record every Redis command of a few jobs with MONITOR (scenario a) */
  redisTrace: boolean;
  /** Extra environment for the Switchyard processes, e.g. OTEL_SDK_DISABLED=true */
  env: Record<string, string>;
  /** Give the bench task a daily budget (reserve/settle on every attempt), as routes.yaml does */
  dailyBudget: boolean;
  redisUrl: string;
  /** PostgreSQL for the split processes' ledger (a schema of the run's own) */
  databaseUrl: string;
  /** Print the processes' logs when something fails */
  verbose: boolean;
  /** Run the Redis-client micro-benchmarks instead of the scenarios */
  micro: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  --scenario a|b|c|d|e|all   scenarios to run, comma-separated (default all)
                             a  one job in flight at a time (pure overhead)
                             b  steady open-loop load (--rate jobs/s for --duration s)
                             c  a burst of --n jobs (default 5000) submitted at once
                             d  primary provider failing 100 %: fallback hand-off, then open circuit
                             e  Prefer: wait (synchronous): sequential, then --clients parallel
  --target T[,T]             switchyard (split processes, PostgreSQL ledger), allinone
                             (npm start, embedded PGlite ledger), baseline, both (= switchyard,
                             baseline) or all (default: all; allinone runs in a, c and e unless
                             named; d runs on switchyard only), and, only when named,
                             baseline-batched: the baseline with the Prefer: wait jobs of one
                             event-loop turn riding one BullMQ job (scenario e only)
  --n N                      jobs per measured phase (defaults: a 300, c 5000, d 100, e 300)
  --concurrency N            worker concurrency, Switchyard and baseline alike
                             (defaults: 100; c 1000 so one worker holds 1,000 jobs in flight)
  --clients N                parallel client loops (c submitters: 64; e parallel clients: 50)
  --rate N                   scenario b jobs/s (default 200)
  --duration S               scenario b seconds (default 30)
  --provider-latency-ms N    simulated provider latency (default 0: the router's cost shows)
  --provider-jitter-ms N     jitter on top of it (default 0)
  --warmup N                 sequential warm-up jobs per phase (default 50)
  --quick                    small sizes for a smoke run (a few minutes)
  --out FILE                 JSON report (default bench/results/bench-<time>.json)
  --profile                  CPU-profile the stack processes over the measured phases and print
                             where the time goes (profiling inflates CPU; quote a run without it)
  --redis-trace              MONITOR a few jobs of scenario a and count Redis round trips per
                             process (default on; --no-redis-trace to skip)
  --daily-budget             give the bench task a daily_usd budget (reserve + settle per attempt)
  --env KEY=VALUE            extra environment for the Switchyard processes (repeatable),
                             e.g. --env OTEL_SDK_DISABLED=true to measure tracing's share
  --redis-url URL            default $REDIS_URL or redis://127.0.0.1:6379
  --database-url URL         PostgreSQL for the split processes' ledger, under a schema of the
                             run's own, dropped after (default $TEST_DATABASE_URL, as the tests, or
                             postgres://postgres@127.0.0.1:5432/test)
  --verbose                  print process logs on failure
  --micro                    instead of the scenarios: price the Redis client patterns of the
                             job path in isolation (multi() on a BullMQ connection, EVAL vs
                             EVALSHA, sequential round trips vs one pipeline)
  -h, --help
`;

export class UsageError extends Error {}

function positiveInt(name: string, raw: string | undefined, allowZero = false): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 0 || (!allowZero && n === 0)) {
    throw new UsageError(`${name}: expected a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const options: BenchOptions = {
    scenarios: [...SCENARIOS],
    targets: [...TARGETS],
    allinoneEverywhere: false,
    rate: 200,
    durationS: 30,
    providerLatencyMs: 0,
    providerJitterMs: 0,
    quick: false,
    profile: false,
    redisTrace: true,
    env: {},
    dailyBudget: false,
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    databaseUrl: env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    verbose: false,
    micro: false,
  };
  let rateSet = false;
  let durationSet = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0 && arg !== '--env') {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg}: missing value`);
      return v;
    };
    switch (arg) {
      case '--scenario':
      case '--scenarios': {
        const raw = next();
        if (raw === 'all') options.scenarios = [...SCENARIOS];
        else {
          const list = raw.split(',').map((s) => s.trim());
          for (const s of list)
            if (!(SCENARIOS as readonly string[]).includes(s))
              throw new UsageError(`--scenario: unknown scenario "${s}"`);
          options.scenarios = SCENARIOS.filter((s) => list.includes(s));
        }
        break;
      }
      case '--target': {
        const named = new Set<string>();
        for (const t of next()
          .split(',')
          .map((s) => s.trim())) {
          if (t === 'all') TARGETS.forEach((x) => named.add(x));
          else if (t === 'both') ['baseline', 'switchyard'].forEach((x) => named.add(x));
          else if ((RUN_ORDER as readonly string[]).includes(t)) named.add(t);
          else throw new UsageError(`--target: unknown target "${t}"`);
        }
        options.targets = RUN_ORDER.filter((t) => named.has(t));
        options.allinoneEverywhere = named.has('allinone');
        break;
      }
      case '--n':
        options.n = positiveInt('--n', next());
        break;
      case '--concurrency':
        options.concurrency = positiveInt('--concurrency', next());
        break;
      case '--clients':
        options.clients = positiveInt('--clients', next());
        break;
      case '--rate':
        options.rate = positiveInt('--rate', next());
        rateSet = true;
        break;
      case '--duration':
        options.durationS = positiveInt('--duration', next());
        durationSet = true;
        break;
      case '--provider-latency-ms':
        options.providerLatencyMs = positiveInt('--provider-latency-ms', next(), true);
        break;
      case '--provider-jitter-ms':
        options.providerJitterMs = positiveInt('--provider-jitter-ms', next(), true);
        break;
      case '--warmup':
        options.warmup = positiveInt('--warmup', next(), true);
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--out':
        options.out = next();
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--redis-trace':
        options.redisTrace = true;
        break;
      case '--no-redis-trace':
        options.redisTrace = false;
        break;
      case '--daily-budget':
        options.dailyBudget = true;
        break;
      case '--env': {
        const pair = next();
        const at = pair.indexOf('=');
        if (at <= 0) throw new UsageError('--env: expected KEY=VALUE');
        options.env[pair.slice(0, at)] = pair.slice(at + 1);
        break;
      }
      case '--redis-url':
        options.redisUrl = next();
        break;
      case '--database-url':
        options.databaseUrl = next();
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--micro':
        options.micro = true;
        break;
      case '-h':
      case '--help':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (options.quick) {
    if (!rateSet) options.rate = 100;
    if (!durationSet) options.durationS = 5;
  }
  return options;
}

/** Sizes of one scenario after defaults, --quick and overrides. */
export interface Sizes {
  n: number;
  warmup: number;
  concurrency: number;
  clients: number;
}

const DEFAULTS: Record<
  ScenarioName,
  { full: Omit<Sizes, 'warmup'>; quick: Omit<Sizes, 'warmup'> }
> = {
  a: {
    full: { n: 300, concurrency: 100, clients: 1 },
    quick: { n: 40, concurrency: 100, clients: 1 },
  },
  b: {
    full: { n: 0, concurrency: 100, clients: 1 },
    quick: { n: 0, concurrency: 100, clients: 1 },
  },
  c: {
    full: { n: 5000, concurrency: 1000, clients: 64 },
    quick: { n: 500, concurrency: 1000, clients: 32 },
  },
  d: {
    full: { n: 100, concurrency: 100, clients: 1 },
    quick: { n: 20, concurrency: 100, clients: 1 },
  },
  e: {
    full: { n: 300, concurrency: 100, clients: 50 },
    quick: { n: 40, concurrency: 100, clients: 16 },
  },
};

export function sizesFor(scenario: ScenarioName, options: BenchOptions): Sizes {
  const d = options.quick ? DEFAULTS[scenario].quick : DEFAULTS[scenario].full;
  return {
    n: options.n ?? d.n,
    concurrency: options.concurrency ?? d.concurrency,
    clients: options.clients ?? d.clients,
    warmup: options.warmup ?? (options.quick ? 15 : 50),
  };
}
