import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  CircuitBreaker,
  circuitChangedChannel,
  type CircuitSnapshot,
} from '@switchyard/circuit-breaker';
import { LatencyTracker } from '@switchyard/routing-state';
import { REDIS_SUBSCRIBER, SWITCHYARD_CONFIG } from '@switchyard/runtime';

export interface Signals {
  circuits: Record<string, CircuitSnapshot>;
  p95: Map<string, number>;
}

/** How long circuit states read for one job serve the next ones (no change announced meanwhile). */
export const CIRCUIT_STATES_TTL_MS = 1000;

/**
 * What the planner needs from Redis: circuit states and recent p95 latencies (the latter cached
 * by LatencyTracker itself). Reading every circuit for every job cost a round trip per submission
 * in `npm run bench`, so states are shared for up to CIRCUIT_STATES_TTL_MS. A circuit that changes
 * state announces it (inside the breaker's own script) and that empties the cache at once, so a
 * job is never planned onto a circuit Redis already knows is open; a cooldown that ends while
 * cached is honoured through the snapshot's retryAt.
 */
@Injectable()
export class PlanningSignals implements OnModuleInit {
  private readonly states = new Map<
    string,
    { readAt: number; circuits: Promise<Record<string, CircuitSnapshot>> }
  >();
  private readonly channel: string;

  constructor(
    private readonly breaker: CircuitBreaker,
    private readonly latency: LatencyTracker,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
  ) {
    this.channel = circuitChangedChannel(config.redisPrefix);
  }

  onModuleInit(): void {
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.channel) this.states.clear();
    });
    // After a reconnect ioredis re-subscribes, but changes during the gap were missed.
    this.subscriber.on('ready', () => this.states.clear());
    // Not awaited: the ingress starts (and answers 503) while Redis is still unreachable; until
    // the subscription is live, entries simply expire after CIRCUIT_STATES_TTL_MS.
    this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  async read(circuitKeys: string[], modelIds: string[]): Promise<Signals> {
    const [circuits, p95] = await Promise.all([
      this.circuitStates(circuitKeys),
      this.latency.p95Many(modelIds),
    ]);
    return { circuits, p95 };
  }

  /** Open, and still cooling down at `now` (a cached snapshot may have outlived its cooldown). */
  static isOpen(snapshot: CircuitSnapshot | undefined, now: number): boolean {
    return snapshot?.state === 'open' && (snapshot.retryAt ?? Infinity) > now;
  }

  /** Concurrent submissions of the same task share one read. */
  private circuitStates(keys: string[]): Promise<Record<string, CircuitSnapshot>> {
    const cacheKey = keys.join(',');
    const now = Date.now();
    const cached = this.states.get(cacheKey);
    if (cached && now - cached.readAt < CIRCUIT_STATES_TTL_MS) return cached.circuits;
    const circuits = this.breaker.states(keys);
    this.states.set(cacheKey, { readAt: now, circuits });
    // A failed read is not remembered: the next job asks Redis again.
    circuits.catch(() => {
      if (this.states.get(cacheKey)?.circuits === circuits) this.states.delete(cacheKey);
    });
    return circuits;
  }
}
