import { Injectable } from '@nestjs/common';
import type { CircuitSnapshot } from '@switchyard/circuit-breaker';
import { LatencyTracker } from '@switchyard/routing-state';
import { AnnouncedStates } from '@switchyard/runtime';

export interface Signals {
  circuits: Record<string, CircuitSnapshot>;
  p95: Map<string, number>;
  /** provider -> paused until (ms since epoch); an entry may lie in the past once cached */
  pausedUntil: Record<string, number>;
}

/**
 * What the planner needs from Redis: circuit states and provider pauses (shared between
 * submissions by AnnouncedStates until a change is announced) and recent p95 latencies (cached
 * by LatencyTracker itself).
 */
@Injectable()
export class PlanningSignals {
  constructor(
    private readonly states: AnnouncedStates,
    private readonly latency: LatencyTracker,
  ) {}

  /** Concurrent submissions of the same task share one read of each. */
  async read(circuitKeys: string[], modelIds: string[], providers: string[]): Promise<Signals> {
    const [circuits, p95, pausedUntil] = await Promise.all([
      this.states.circuits(circuitKeys),
      this.latency.p95Many(modelIds),
      this.states.pausedUntil(providers),
    ]);
    return { circuits, p95, pausedUntil };
  }
}
