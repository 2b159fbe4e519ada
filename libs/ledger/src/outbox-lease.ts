import type Redis from 'ioredis';
import { defineScript } from '@switchyard/redis';

/**
 * Takes the lease when nobody holds it, extends it when `holder` does. Returns 1 when `holder`
 * holds it afterwards, 0 when another does.
 */
export const HOLD_OUTBOX_LEASE = defineScript({
  name: 'switchyardLedgerHoldOutboxLease',
  keys: ['lease'],
  args: ['holder', 'ttl_ms'],
  lua: `
local current = redis.call('GET', KEY.lease)
if current == ARG.holder then
  redis.call('PEXPIRE', KEY.lease, ARG.ttl_ms)
  return 1
end
if current then return 0 end
redis.call('SET', KEY.lease, ARG.holder, 'PX', ARG.ttl_ms)
return 1
`,
});

/** Gives the lease up when `holder` has it (never another's). Returns 1 when it was released. */
export const RELEASE_OUTBOX_LEASE = defineScript({
  name: 'switchyardLedgerReleaseOutboxLease',
  keys: ['lease'],
  args: ['holder'],
  lua: `
if redis.call('GET', KEY.lease) == ARG.holder then
  redis.call('DEL', KEY.lease)
  return 1
end
return 0
`,
});

/**
 * Which one of a deployment's drainers is the active one. Every drainer could drain (the consumer
 * group keeps them from storing a row twice), but each active one pays its own reads, INSERTs and
 * acknowledgements for a share of the rows: four drainers taking turns at the outbox made about
 * four times the round trips and INSERTs one does, for the same rows. The holder renews the lease
 * every third of its lifetime; the others ask for it as often and stay idle meanwhile. A holder
 * that dies stops renewing, and within ttlMs another takes over (and, through XAUTOCLAIM, the
 * rows the dead one had read but not stored).
 */
export class OutboxLease {
  private heldUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly holder: string,
    readonly ttlMs: number,
  ) {}

  /** How long a drainer waits between asks while another holds the lease. */
  get pollMs(): number {
    return Math.max(1, Math.floor(this.ttlMs / 3));
  }

  /**
   * Whether this drainer holds the lease now: answered from memory while a third of the lifetime
   * is left since the last renewal, so a busy drainer pays one round trip per pollMs, not per batch.
   */
  async hold(now = Date.now()): Promise<boolean> {
    if (now < this.heldUntil - 2 * this.pollMs) return true;
    const held =
      (await HOLD_OUTBOX_LEASE.run(this.redis, {
        keys: { lease: this.key },
        args: { holder: this.holder, ttl_ms: this.ttlMs },
      })) === 1;
    this.heldUntil = held ? now + this.ttlMs : 0;
    return held;
  }

  /** Lets a standby take over at its next ask instead of after ttlMs (a graceful stop). */
  async release(): Promise<void> {
    this.heldUntil = 0;
    await RELEASE_OUTBOX_LEASE.run(this.redis, {
      keys: { lease: this.key },
      args: { holder: this.holder },
    });
  }
}
