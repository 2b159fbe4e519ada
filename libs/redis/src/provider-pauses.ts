import type Redis from 'ioredis';
import { defineScript } from './redis-script';

/** Where a new pause is announced, so planners caching the pauses drop them at once. */
export function pausesChangedChannel(prefix: string): string {
  return `${prefix}:pauses-changed`;
}

const PAUSE_PROVIDER = defineScript({
  name: 'switchyardPauseProvider',
  keys: ['paused'],
  args: ['untilMs', 'ms', 'channel'],
  lua: `
redis.call('SET', KEY.paused, ARG.untilMs, 'PX', ARG.ms)
redis.call('PUBLISH', ARG.channel, ARG.untilMs)
return 1
`,
});

/**
 * When each provider may be called again after it answered 429 with a wait (`retry-after`).
 * The worker pauses the provider's BullMQ queue for that long; this record of the same pause is
 * what the planner and the router read, so a job that cannot wait that long goes to another
 * candidate at once instead of queueing behind the pause until its deadline.
 * One key per provider, expiring with the pause: `<prefix>:paused:<provider>` = until (ms).
 */
export class ProviderPauses {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Pauses the provider for `ms` from `now` and announces it (pausesChangedChannel). One script,
   * so it can leave in the same write as the attempt's other bookkeeping, ahead of the hand-off
   * whose routing decision reads it. The latest 429 wins: it is the provider's newest word on when
   * to come back.
   */
  async pause(provider: string, ms: number, now = Date.now()): Promise<void> {
    const wait = Math.max(1, Math.ceil(ms));
    await PAUSE_PROVIDER.run(this.redis, {
      keys: { paused: this.key(provider) },
      args: { untilMs: now + wait, ms: wait, channel: pausesChangedChannel(this.prefix) },
    });
  }

  /** provider -> paused until (ms), for the providers paused now; one round trip. */
  async pausedUntil(
    providers: readonly string[],
    now = Date.now(),
  ): Promise<Record<string, number>> {
    if (providers.length === 0) return {};
    const values = await this.redis.mget(...providers.map((p) => this.key(p)));
    const paused: Record<string, number> = {};
    providers.forEach((provider, i) => {
      const until = Number(values[i]);
      if (values[i] !== null && Number.isFinite(until) && until > now) paused[provider] = until;
    });
    return paused;
  }

  private key(provider: string): string {
    return `${this.prefix}:paused:${provider}`;
  }
}
