import type Redis from 'ioredis';

/** How long circuit openings are kept: the weekly report looks back 30 days at most. */
export const CIRCUIT_INCIDENT_RETENTION_MS = 35 * 86_400_000;

export interface CircuitOpening {
  /** The circuit key: a provider (`openai`) or a provider/model (`openai/gpt-4o-mini`) */
  key: string;
  /** Epoch ms of the transition to open */
  at: number;
}

/**
 * Every transition of a circuit to open, in one sorted set per deployment (score: the time), so
 * "provider incidents in the last 7 days" is a range read. Written by the breaker on the state
 * change it just made; trimmed to the retention on every write.
 */
export class CircuitIncidentLog {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:cb-openings`;
  }

  async recordOpening(circuitKey: string, at: number): Promise<void> {
    // The member carries the time too, so two openings of one circuit are two entries.
    await this.redis
      .multi()
      .zadd(this.key, at, `${at}|${circuitKey}`)
      .zremrangebyscore(this.key, '-inf', at - CIRCUIT_INCIDENT_RETENTION_MS)
      .exec();
  }

  /** Openings in [since, until], oldest first. */
  async openings(since: number, until: number = Date.now()): Promise<CircuitOpening[]> {
    const members = await this.redis.zrangebyscore(this.key, since, until);
    return members.map((member) => {
      const bar = member.indexOf('|');
      return { at: Number(member.slice(0, bar)), key: member.slice(bar + 1) };
    });
  }
}
