import type Redis from 'ioredis';
import { circuitKeys } from './circuit-breaker-keys';
import { resolveCircuitBreakerOptions } from './circuit-breaker-options';
import {
  CIRCUIT_ACQUIRE,
  CIRCUIT_RECORD,
  CIRCUIT_SNAPSHOT,
  type CircuitArgs,
} from './circuit-breaker-scripts';
import { CircuitIncidentLog } from './circuit-incident-log';
import type {
  AcquireResult,
  CallOutcome,
  CircuitBreakerOptions,
  CircuitSnapshot,
  CircuitState,
  RecordResult,
} from './circuit-breaker.types';

const STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

function asState(value: unknown): CircuitState {
  if (typeof value === 'string' && (STATES as readonly string[]).includes(value)) {
    return value as CircuitState;
  }
  throw new Error(`circuit breaker: unexpected state from Redis: ${String(value)}`);
}

function asArray(value: unknown, length: number): unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new Error('circuit breaker: unexpected reply from Redis');
  }
  return value;
}

/** Every state change recorded by `record` is announced here (the message is the circuit key). */
export function circuitChangedChannel(prefix: string): string {
  return `${prefix}:circuit-changed`;
}

/**
 * Open, and still cooling down at `now`: what a plan or a fallback decision skips. A snapshot read
 * a moment ago (shared between decisions) may have outlived its cooldown; the breaker would then
 * let a probe through, so it no longer counts as open.
 */
export function isCircuitOpen(snapshot: CircuitSnapshot | undefined, now: number): boolean {
  return snapshot?.state === 'open' && (snapshot.retryAt ?? Infinity) > now;
}

/**
 * A circuit breaker per key (`openai`, `openai/gpt-4o-mini`, ...) whose state lives in Redis, so
 * every process opens, probes and closes together. Each call is one round trip running one Lua
 * script; `states` and `snapshot` never write, so planners can poll them freely.
 */
export class CircuitBreaker {
  readonly options: Readonly<CircuitBreakerOptions>;
  private readonly settings: Omit<CircuitArgs, 'now'>;
  /** Openings, for the incident counts of the console and the weekly report. */
  readonly incidents: CircuitIncidentLog;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: Partial<CircuitBreakerOptions> = {},
  ) {
    this.options = resolveCircuitBreakerOptions(options);
    for (const script of [CIRCUIT_ACQUIRE, CIRCUIT_RECORD, CIRCUIT_SNAPSHOT])
      script.defineOn(redis);
    this.incidents = new CircuitIncidentLog(redis, prefix);
    const o = this.options;
    this.settings = {
      window_ms: o.windowMs,
      bucket_ms: o.bucketMs,
      min_calls: o.minCalls,
      failure_ratio: String(o.failureRatio),
      consecutive_failures: o.consecutiveFailures,
      cooldown_ms: o.cooldownMs,
      ramp_bp: o.rampSteps.map((step) => Math.round(step * 10_000)).join(','),
      successes_per_step: o.successesPerStep,
      state_ttl_ms: o.stateTtlMs,
    };
  }

  /**
   * May a call go to this key now? Closed: yes. Open: no, answered from Redis alone. Half-open:
   * an atomic per-step counter admits exactly the ramp fraction of attempts (the first attempt of
   * each step included), shared by all processes.
   */
  async acquire(key: string, now: number = Date.now()): Promise<AcquireResult> {
    return (await this.acquireAll([key], now))[0];
  }

  /** `acquire` for each key, in order, in one command (every gate of one attempt). */
  async acquireAll(keys: readonly string[], now: number = Date.now()): Promise<AcquireResult[]> {
    if (keys.length === 0) return [];
    const replies = asArray(
      await CIRCUIT_ACQUIRE.run(this.redis, {
        keys: {},
        args: this.args(now),
        restKeys: keys.map((key) => this.keys(key).state),
      }),
      keys.length,
    );
    return replies.map((r) => {
      const reply = asArray(r, 3);
      return { allowed: reply[0] === 1, state: asState(reply[1]), probe: reply[2] === 1 };
    });
  }

  /** Record the outcome of a call that went to the provider. */
  async record(key: string, outcome: CallOutcome, now: number = Date.now()): Promise<RecordResult> {
    return (await this.recordAll([key], outcome, now))[0];
  }

  /** `record` of one call's outcome on each key, in order, in one command. */
  async recordAll(
    keys: readonly string[],
    outcome: CallOutcome,
    now: number = Date.now(),
  ): Promise<RecordResult[]> {
    if (outcome !== 'success' && outcome !== 'failure') {
      throw new RangeError(`circuit breaker: unknown outcome ${String(outcome)}`);
    }
    if (keys.length === 0) return [];
    const replies = asArray(
      await CIRCUIT_RECORD.run(this.redis, {
        keys: {},
        args: { ...this.args(now), outcome, channel: circuitChangedChannel(this.prefix) },
        restKeys: keys.flatMap((key) => {
          const k = this.keys(key);
          return [k.state, k.window];
        }),
        rest: keys,
      }),
      keys.length,
    );
    const results: RecordResult[] = [];
    for (const [i, r] of replies.entries()) {
      const reply = asArray(r, 2);
      const previous = asState(reply[0]);
      const state = asState(reply[1]);
      // Only the caller whose outcome made the transition sees previous !== 'open' here, so each
      // opening is written once. Rare (once per outage), so the extra round trip costs nothing.
      if (state === 'open' && previous !== 'open') await this.incidents.recordOpening(keys[i], now);
      results.push({ state, previous, transitioned: previous !== state });
    }
    return results;
  }

  /** Read-only snapshots of many keys in one command (duplicates collapse). */
  async states(keys: string[], now: number = Date.now()): Promise<Record<string, CircuitSnapshot>> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return {};
    const replies = asArray(
      await CIRCUIT_SNAPSHOT.run(this.redis, {
        keys: {},
        args: this.args(now),
        restKeys: unique.flatMap((key) => {
          const k = this.keys(key);
          return [k.state, k.window];
        }),
      }),
      unique.length,
    );
    const result: Record<string, CircuitSnapshot> = {};
    unique.forEach((key, i) => {
      result[key] = this.toSnapshot(key, replies[i]);
    });
    return result;
  }

  async snapshot(key: string, now: number = Date.now()): Promise<CircuitSnapshot> {
    return (await this.states([key], now))[key];
  }

  private keys(key: string) {
    if (key.length === 0) throw new RangeError('circuit breaker: key must not be empty');
    return circuitKeys(this.prefix, key);
  }

  private args(now: number): CircuitArgs {
    if (!Number.isFinite(now)) throw new RangeError(`circuit breaker: bad timestamp ${now}`);
    return { now: Math.floor(now), ...this.settings };
  }

  private toSnapshot(key: string, reply: unknown): CircuitSnapshot {
    const [rawState, since, openUntil, consecutive, step, calls, failures] = asArray(reply, 7).map(
      (v, i) => (i === 0 ? v : Number(v)),
    ) as [unknown, number, number, number, number, number, number];
    const state = asState(rawState);
    const steps = this.options.rampSteps;
    const rampFraction =
      state === 'closed' ? 1 : state === 'open' ? 0 : steps[Math.min(step, steps.length - 1)];
    return {
      key,
      state,
      failureRatio: calls > 0 ? failures / calls : 0,
      calls,
      failures,
      consecutiveFailures: consecutive,
      since: since < 0 ? null : since,
      rampFraction,
      retryAt: state === 'open' ? openUntil : null,
    };
  }
}
