import type Redis from 'ioredis';
import {
  CircuitBreaker,
  circuitChangedChannel,
  type CircuitSnapshot,
} from '@switchyard/circuit-breaker';
import { ProviderPauses, pausesChangedChannel } from '@switchyard/redis';

/**
 * How long circuit states and provider pauses read for one decision serve the next ones (no
 * change announced meanwhile).
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
    // A failed read is not remembered: the next decision asks Redis again.
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
 * Circuit states and provider pauses (a 429's retry-after) as this process last read them, for
 * the decisions that only ask "open?" and "paused until?": the planner's, for every submission,
 * and the router's, for every hand-off. Reading them per decision cost a round trip each in `npm
 * run bench`, so reads are shared for up to CIRCUIT_STATES_TTL_MS. A circuit that changes state,
 * and a provider that is paused, announce it (inside the breaker's and the pause's own scripts),
 * and that empties the cache at once: no decision sends a job to a circuit Redis already knows
 * is open, nor past a pause Redis already holds. A cooldown or a pause that ends while cached is
 * honoured through its end time (`isCircuitOpen`). The worker's own gates (acquire, record) always go to Redis.
 */
export class AnnouncedStates {
  private readonly circuitReads = new AnnouncedReads<Record<string, CircuitSnapshot>>();
  private readonly pauseReads = new AnnouncedReads<Record<string, number>>();
  private readonly circuitChannel: string;
  private readonly pauseChannel: string;
  private subscribed = false;

  constructor(
    private readonly breaker: CircuitBreaker,
    private readonly providerPauses: ProviderPauses,
    private readonly subscriber: Redis,
    redisPrefix: string,
  ) {
    this.circuitChannel = circuitChangedChannel(redisPrefix);
    this.pauseChannel = pausesChangedChannel(redisPrefix);
  }

  /** Starts listening for announced changes; until then (and without it) entries just expire. */
  listen(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.circuitChannel) this.circuitReads.clear();
      else if (channel === this.pauseChannel) this.pauseReads.clear();
    });
    // After a reconnect ioredis re-subscribes, but changes during the gap were missed.
    this.subscriber.on('ready', () => {
      this.circuitReads.clear();
      this.pauseReads.clear();
    });
    // Not awaited: a process starts (the ingress answers 503) while Redis is still unreachable;
    // until the subscription is live, entries simply expire after CIRCUIT_STATES_TTL_MS.
    this.subscriber.subscribe(this.circuitChannel, this.pauseChannel).catch(() => undefined);
  }

  /** Concurrent decisions over the same keys share one read. */
  circuits(keys: string[]): Promise<Record<string, CircuitSnapshot>> {
    return this.circuitReads.get(keys.join(','), () => this.breaker.states(keys));
  }

  /** provider -> paused until (ms since epoch); an entry may lie in the past once cached. */
  pausedUntil(providers: string[]): Promise<Record<string, number>> {
    return this.pauseReads.get(providers.join(','), () =>
      this.providerPauses.pausedUntil(providers),
    );
  }
}
