import type Redis from 'ioredis';
import { providerQueueName } from './queue-names';

/** One provider queue's limiter state: jobs started in the window, what is left of it, backlog. */
export interface LimiterState {
  startedInWindow: number;
  windowLeftMs: number;
  waiting: number;
}

/**
 * Reads BullMQ's own limiter of each provider queue (the `limiter` counter whose TTL is the
 * window, and the `wait` list), so the planner can tell how long a new job would queue behind the
 * provider's `requests_per_minute`. One round trip for all providers.
 */
export class ProviderLimiters {
  constructor(
    private readonly redis: Redis,
    private readonly queuePrefix: string,
  ) {}

  async read(providers: readonly string[]): Promise<Record<string, LimiterState>> {
    if (providers.length === 0) return {};
    const pipeline = this.redis.pipeline();
    for (const provider of providers) {
      const base = `${this.queuePrefix}:${providerQueueName(provider)}`;
      pipeline.get(`${base}:limiter`).pttl(`${base}:limiter`).llen(`${base}:wait`);
    }
    const replies = (await pipeline.exec()) ?? [];
    const states: Record<string, LimiterState> = {};
    providers.forEach((provider, i) => {
      const [started, ttl, waiting] = replies.slice(i * 3, i * 3 + 3).map(([, v]) => Number(v));
      states[provider] = {
        startedInWindow: Number.isFinite(started) ? started : 0,
        windowLeftMs: Number.isFinite(ttl) ? ttl : 0,
        waiting: Number.isFinite(waiting) ? waiting : 0,
      };
    });
    return states;
  }
}
