import { defineScript } from '@switchyard/redis';
import type Redis from 'ioredis';
import { percentile } from '@switchyard/routing';

export interface LatencyTrackerOptions {
  /** Samples kept per model; default 200 */
  window?: number;
  /** Fewer samples than this and p95 is unknown, so one slow call cannot demote a model; default 5 */
  minSamples?: number;
  /** How long a p95 read from Redis is reused in this process; default 1000 ms, 0 disables */
  cacheMs?: number;
  /** Clock for the cache; tests replace it */
  now?: () => number;
}

// One command per sample instead of MULTI/LPUSH/LTRIM/EXEC: every call records one. The list is
// trimmed (to 0..last_index, the window's size minus one) only once it is longer than that.
const RECORD_SAMPLE = defineScript({
  name: 'switchyardLatencyRecord',
  keys: ['samples'],
  args: ['latency_ms', 'last_index'],
  lua: `
if redis.call('LPUSH', KEY.samples, ARG.latency_ms) > tonumber(ARG.last_index) + 1 then
  redis.call('LTRIM', KEY.samples, 0, ARG.last_index)
end
`,
});

/**
 * Recent call latency per "provider/model", shared by all workers through Redis: a capped list
 * per model (LPUSH + LTRIM) whose p95 the planner uses to put slow models last when a job's
 * deadline is near. Reads are cached in-process for about a second because planning happens per
 * job and a p95 over 200 samples barely moves in that time.
 */
export class LatencyTracker {
  private readonly window: number;
  private readonly minSamples: number;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { p95: number | undefined; at: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: LatencyTrackerOptions = {},
  ) {
    this.window = options.window ?? 200;
    this.minSamples = options.minSamples ?? 5;
    this.cacheMs = options.cacheMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  async record(modelId: string, latencyMs: number): Promise<void> {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    await RECORD_SAMPLE.run(this.redis, {
      keys: { samples: this.key(modelId) },
      args: { latency_ms: Math.round(latencyMs), last_index: this.window - 1 },
    });
  }

  async p95(modelId: string): Promise<number | undefined> {
    return (await this.p95Many([modelId])).get(modelId);
  }

  /** p95 of each model with enough samples, fetched in one round trip for the uncached ones. */
  async p95Many(modelIds: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const stale: string[] = [];
    const now = this.now();
    for (const id of new Set(modelIds)) {
      const cached = this.cache.get(id);
      if (cached && now - cached.at < this.cacheMs) {
        if (cached.p95 !== undefined) result.set(id, cached.p95);
      } else {
        stale.push(id);
      }
    }
    if (stale.length === 0) return result;
    const pipeline = this.redis.pipeline();
    for (const id of stale) pipeline.lrange(this.key(id), 0, -1);
    const replies = (await pipeline.exec()) ?? [];
    stale.forEach((id, i) => {
      const [error, raw] = replies[i] ?? [null, []];
      if (error) throw error;
      const samples = (Array.isArray(raw) ? raw : []).map(Number);
      const p95 = samples.length >= this.minSamples ? percentile(samples, 95) : undefined;
      this.cache.set(id, { p95, at: now });
      if (p95 !== undefined) result.set(id, p95);
    });
    return result;
  }

  private key(modelId: string): string {
    return `${this.prefix}:latency:${modelId}`;
  }
}
