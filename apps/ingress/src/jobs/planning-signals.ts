import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  CircuitBreaker,
  circuitChangedChannel,
  type CircuitSnapshot,
} from '@switchyard/circuit-breaker';
import { LatencyTracker } from '@switchyard/routing';
import { REDIS_SUBSCRIBER, SWITCHYARD_CONFIG } from '@switchyard/runtime';

export interface Signals {
  circuits: Record<string, CircuitSnapshot>;
  p95: Map<string, number>;
}

/**
 * What the planner needs from Redis (circuit states, recent p95 latencies), shared by the jobs
 * submitted within SIGNALS_TTL_MS. Reading them for every job cost two round trips per submission
 * (`npm run bench`). A circuit that changes state says so on a channel and empties the cache at
 * once, so a job is never planned onto a circuit known to be open; a cooldown that ends while
 * cached is honoured through its retryAt. p95 latencies only reorder candidates and may be a
 * second old.
 */
export const SIGNALS_TTL_MS = 1000;

@Injectable()
export class PlanningSignals implements OnModuleInit {
  private readonly cache = new Map<string, { readAt: number; signals: Promise<Signals> }>();
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
      if (channel === this.channel) this.cache.clear();
    });
    // After a reconnect ioredis re-subscribes, but changes during the gap were missed.
    this.subscriber.on('ready', () => this.cache.clear());
    // Not awaited: the ingress starts (and answers 503) while Redis is still unreachable; until
    // the subscription is live, entries simply expire after SIGNALS_TTL_MS.
    this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  /** Signals for these circuits and models; concurrent callers share one read. */
  read(circuitKeys: string[], modelIds: string[]): Promise<Signals> {
    const key = `${circuitKeys.join(',')}|${modelIds.join(',')}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && now - cached.readAt < SIGNALS_TTL_MS) return cached.signals;
    const signals = Promise.all([
      this.breaker.states(circuitKeys),
      this.latency.p95Many(modelIds),
    ]).then(([circuits, p95]) => ({ circuits, p95 }));
    this.cache.set(key, { readAt: now, signals });
    // A failed read is not remembered: the next job asks Redis again.
    signals.catch(() => {
      if (this.cache.get(key)?.signals === signals) this.cache.delete(key);
    });
    return signals;
  }

  /** Open, and still cooling down at `now` (a cached snapshot may have outlived its cooldown). */
  static isOpen(snapshot: CircuitSnapshot | undefined, now: number): boolean {
    return snapshot?.state === 'open' && (snapshot.retryAt ?? Infinity) > now;
  }
}
