import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  CircuitBreaker,
  circuitChangedChannel,
  type CircuitSnapshot,
} from '@switchyard/circuit-breaker';
import { ProviderPauses, pausesChangedChannel } from '@switchyard/redis';
import { LatencyTracker } from '@switchyard/routing-state';
import { REDIS_SUBSCRIBER, SWITCHYARD_CONFIG } from '@switchyard/runtime';

export interface Signals {
  circuits: Record<string, CircuitSnapshot>;
  p95: Map<string, number>;
  /** provider -> paused until (ms since epoch); an entry may lie in the past once cached */
  pausedUntil: Record<string, number>;
}

/**
 * How long circuit states and provider pauses read for one job serve the next ones (no change
 * announced meanwhile).
 */
export const CIRCUIT_STATES_TTL_MS = 1000;

/** Reads shared for up to CIRCUIT_STATES_TTL_MS, dropped all at once when a change is announced. */
class AnnouncedReads<T> {
  private readonly entries = new Map<string, { readAt: number; value: Promise<T> }>();

  get(key: string, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && now - cached.readAt < CIRCUIT_STATES_TTL_MS) return cached.value;
    const value = read();
    this.entries.set(key, { readAt: now, value });
    // A failed read is not remembered: the next job asks Redis again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * What the planner needs from Redis: circuit states, provider pauses (a 429's retry-after) and
 * recent p95 latencies (the latter cached by LatencyTracker itself). Reading them for every job
 * cost two round trips per submission in `npm run bench`, so reads are shared for up to
 * CIRCUIT_STATES_TTL_MS. A circuit that changes state, and a provider that is paused, announce it
 * (inside the breaker's and the pause's own scripts), and that empties the cache at once: a job is
 * never planned onto a circuit Redis already knows is open, nor past a pause Redis already holds.
 * A cooldown or a pause that ends while cached is honoured through its end time.
 */
@Injectable()
export class PlanningSignals implements OnModuleInit {
  private readonly circuits = new AnnouncedReads<Record<string, CircuitSnapshot>>();
  private readonly pauses = new AnnouncedReads<Record<string, number>>();
  private readonly circuitChannel: string;
  private readonly pauseChannel: string;

  constructor(
    private readonly breaker: CircuitBreaker,
    private readonly latency: LatencyTracker,
    private readonly providerPauses: ProviderPauses,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
  ) {
    this.circuitChannel = circuitChangedChannel(config.redisPrefix);
    this.pauseChannel = pausesChangedChannel(config.redisPrefix);
  }

  onModuleInit(): void {
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.circuitChannel) this.circuits.clear();
      else if (channel === this.pauseChannel) this.pauses.clear();
    });
    // After a reconnect ioredis re-subscribes, but changes during the gap were missed.
    this.subscriber.on('ready', () => {
      this.circuits.clear();
      this.pauses.clear();
    });
    // Not awaited: the ingress starts (and answers 503) while Redis is still unreachable; until
    // the subscription is live, entries simply expire after CIRCUIT_STATES_TTL_MS.
    this.subscriber.subscribe(this.circuitChannel, this.pauseChannel).catch(() => undefined);
  }

  /** Concurrent submissions of the same task share one read of each. */
  async read(circuitKeys: string[], modelIds: string[], providers: string[]): Promise<Signals> {
    const [circuits, p95, pausedUntil] = await Promise.all([
      this.circuits.get(circuitKeys.join(','), () => this.breaker.states(circuitKeys)),
      this.latency.p95Many(modelIds),
      this.pauses.get(providers.join(','), () => this.providerPauses.pausedUntil(providers)),
    ]);
    return { circuits, p95, pausedUntil };
  }

  /** Open, and still cooling down at `now` (a cached snapshot may have outlived its cooldown). */
  static isOpen(snapshot: CircuitSnapshot | undefined, now: number): boolean {
    return snapshot?.state === 'open' && (snapshot.retryAt ?? Infinity) > now;
  }
}
