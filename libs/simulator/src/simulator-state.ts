import { FaultBook } from './fault-book';
import { RateCounter } from './rate-counter';
import { ReplyBook } from './reply-book';
import { RequestLog } from './request-log';
import type { ScenarioFile } from './scenario-types';
import { seededRandom } from './seeded-random';
import { SimulatorStats } from './simulator-stats';

const DEFAULT_SEED = 42;

/** Everything a running simulator knows: the scenario in force, counters, stats and recent calls. */
export class SimulatorState {
  readonly faults = new FaultBook();
  readonly replies = new ReplyBook();
  readonly stats = new SimulatorStats();
  readonly requests = new RequestLog();
  readonly counter = new RateCounter();
  private revisionOverrides: Record<string, string> = {};
  private seed = DEFAULT_SEED;
  private random: () => number = seededRandom(DEFAULT_SEED);

  constructor(private readonly bootScenario: ScenarioFile = {}) {
    this.load(bootScenario);
  }

  get revisions(): Record<string, string> {
    return this.revisionOverrides;
  }

  /** Replaces faults, replies and revisions; restarts the deterministic counters. */
  load(scenario: ScenarioFile): void {
    this.faults.replace(scenario.faults ?? []);
    this.replies.replace(scenario.replies ?? []);
    this.revisionOverrides = { ...(scenario.revisions ?? {}) };
    this.seed = scenario.seed ?? DEFAULT_SEED;
    this.random = seededRandom(this.seed);
    this.counter.reset();
  }

  scenario(): ScenarioFile {
    return {
      seed: this.seed,
      faults: this.faults.list(),
      replies: this.replies.list(),
      revisions: { ...this.revisionOverrides },
    };
  }

  /** Back to the scenario the simulator started with, with empty stats and request log. */
  reset(): void {
    this.load(this.bootScenario);
    this.stats.reset();
    this.requests.clear();
  }

  jitter(maxMs: number | undefined): number {
    return maxMs ? Math.floor(this.random() * maxMs) : 0;
  }
}
