import type Redis from 'ioredis';
import { defineScript } from '@switchyard/redis';

/**
 * Generic cell rate algorithm on one key per tenant: the key holds the theoretical arrival time
 * (TAT) of the next request; each admitted request moves it on by 60 s / requests_per_minute, and a
 * request that would push it more than a minute past now is refused with the wait until it would
 * not. So a quiet tenant may send its whole minute's allowance at once, then one request per
 * interval. Redis's own clock (TIME) decides, so every ingress replica counts against one limit
 * whatever its local clock says.
 * Returns {1, 0} admitted, {0, wait ms} refused.
 */
const ADMIT_SCRIPT = defineScript({
  name: 'switchyardTenantAdmit',
  keys: ['tat'],
  args: ['interval_ms', 'window_ms'],
  lua: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval, window = tonumber(ARG.interval_ms), tonumber(ARG.window_ms)
local tat = tonumber(redis.call('GET', KEY.tat) or '0') or 0
if tat < now then tat = now end
local next_tat = tat + interval
if next_tat - now > window then
  return {0, math.ceil(next_tat - now - window)}
end
redis.call('SET', KEY.tat, tostring(next_tat), 'PX', math.ceil(next_tat - now) + 1)
return {1, 0}
`,
});

const WINDOW_MS = 60_000;

export type AdmitResult = { admitted: true } | { admitted: false; retryAfterMs: number };

/** A tenant's `requests_per_minute`, shared through Redis by every ingress replica. */
export class TenantRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async admit(tenant: string, requestsPerMinute: number): Promise<AdmitResult> {
    const reply = (await ADMIT_SCRIPT.run(this.redis, {
      keys: { tat: `${this.prefix}:tenant-rate:${encodeURIComponent(tenant)}` },
      args: { interval_ms: WINDOW_MS / requestsPerMinute, window_ms: WINDOW_MS },
    })) as [number, number];
    return Number(reply[0]) === 1
      ? { admitted: true }
      : { admitted: false, retryAfterMs: Math.max(1, Number(reply[1])) };
  }
}
