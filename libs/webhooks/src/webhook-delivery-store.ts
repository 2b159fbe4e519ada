import type Redis from 'ioredis';
import { defineScript } from '@switchyard/redis';
import type {
  WebhookAttemptOutcome,
  WebhookDeliveryDetail,
  WebhookDeliveryState,
  WebhookDeliveryStatus,
} from './webhook-delivery-status';
import { jobRecordKey, type WebhookMessage } from './webhook-message';

export interface WebhookDeliveryStoreOptions {
  /** How long a record outlives its last write; match SWITCHYARD_JOB_RETENTION_DAYS. Default 7 days. */
  ttlSeconds?: number;
}

const DEFAULT_TTL_SECONDS = 7 * 86400;
const STATES: readonly WebhookDeliveryState[] = [
  'pending',
  'delivering',
  'delivered',
  'failed',
  'gone',
];

/**
 * Creates the record only if none exists, atomically, so a second publish of the same completion
 * cannot reset a record that is already delivering or delivered. Returns the existing message
 * (JSON) and status when there was one.
 */
const CREATE_IF_ABSENT = defineScript({
  name: 'switchyardWebhookCreateIfAbsent',
  keys: ['record'],
  args: ['message', 'now', 'ttl_s'],
  lua: `
if redis.call('EXISTS', KEY.record) == 1 then
  return {redis.call('HGET', KEY.record, 'message') or false,
    redis.call('HGET', KEY.record, 'status') or false}
end
redis.call('HSET', KEY.record, 'message', ARG.message, 'status', 'pending', 'attempts', 0,
  'next_attempt_at', ARG.now, 'last_status_code', '', 'last_error', '', 'last_attempt_at', '')
redis.call('EXPIRE', KEY.record, ARG.ttl_s)
return nil
`,
});

/**
 * Per-message delivery records in Redis: one hash per job (`<prefix>:webhook:job:<jobId>`) or
 * alert, holding the public status, the last attempt's outcome and the immutable message used for
 * redelivery. Every write refreshes the TTL.
 */
export class WebhookDeliveryStore {
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: WebhookDeliveryStoreOptions = {},
  ) {
    this.ttlSeconds = Math.max(1, Math.floor(options.ttlSeconds ?? DEFAULT_TTL_SECONDS));
  }

  private key(recordKey: string): string {
    return `${this.prefix}:webhook:${recordKey}`;
  }

  /** The `webhook` object for `GET /v1/jobs/:id`, or null when the job has no webhook. */
  async get(jobId: string): Promise<WebhookDeliveryStatus | null> {
    return this.getRecord(jobRecordKey(jobId));
  }

  async getRecord(recordKey: string): Promise<WebhookDeliveryStatus | null> {
    const detail = await this.getDetail(recordKey);
    if (!detail) return null;
    const { status, attempts, last_status_code, next_attempt_at } = detail;
    return { status, attempts, last_status_code, next_attempt_at };
  }

  async getDetail(recordKey: string): Promise<WebhookDeliveryDetail | null> {
    const hash = await this.redis.hgetall(this.key(recordKey));
    if (!hash.status && !hash.message) return null;
    const message = parseMessage(hash.message);
    const text = (value: string | undefined): string | null => (value ? value : null);
    const code = Number(hash.last_status_code);
    return {
      status: STATES.includes(hash.status as WebhookDeliveryState)
        ? (hash.status as WebhookDeliveryState)
        : 'pending',
      attempts: Number(hash.attempts) || 0,
      last_status_code: hash.last_status_code && Number.isInteger(code) ? code : null,
      next_attempt_at: text(hash.next_attempt_at),
      webhook_id: message?.webhookId ?? null,
      event_type: message?.type ?? null,
      last_error: text(hash.last_error),
      last_attempt_at: text(hash.last_attempt_at),
    };
  }

  async getMessage(recordKey: string): Promise<WebhookMessage | null> {
    return parseMessage((await this.redis.hget(this.key(recordKey), 'message')) ?? undefined);
  }

  /**
   * Records a freshly published message as pending. When a record already exists nothing changes
   * and the stored message and status are returned, so the first publish wins.
   */
  async createIfAbsent(
    message: WebhookMessage,
    now: Date = new Date(),
  ): Promise<
    { created: true } | { created: false; message: WebhookMessage | null; status: string }
  > {
    const existing = (await CREATE_IF_ABSENT.run(this.redis, {
      keys: { record: this.key(message.recordKey) },
      args: {
        message: JSON.stringify(message),
        now: now.toISOString(),
        ttl_s: String(this.ttlSeconds),
      },
    })) as [string | null, string | null] | null;
    if (!existing) return { created: true };
    return {
      created: false,
      message: parseMessage(existing[0] ?? undefined),
      status: existing[1] ?? 'pending',
    };
  }

  /** A redelivery was queued: pending again, first attempt due now. Attempts keep counting. */
  async markRequeued(recordKey: string, now: Date = new Date()): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(recordKey), 'status', 'pending', 'next_attempt_at', now.toISOString())
      .expire(this.key(recordKey), this.ttlSeconds)
      .exec();
  }

  /**
   * An attempt is starting. Counted before the request so a crash mid-attempt is still visible.
   * Restores the message if the record had expired, so a later redelivery still works.
   */
  async startAttempt(message: WebhookMessage, at: Date = new Date()): Promise<void> {
    const key = this.key(message.recordKey);
    await this.redis
      .multi()
      .hsetnx(key, 'message', JSON.stringify(message))
      .hincrby(key, 'attempts', 1)
      .hset(key, 'status', 'delivering', 'next_attempt_at', '', 'last_attempt_at', at.toISOString())
      .expire(key, this.ttlSeconds)
      .exec();
  }

  async finishAttempt(recordKey: string, outcome: WebhookAttemptOutcome): Promise<void> {
    const key = this.key(recordKey);
    await this.redis
      .multi()
      .hset(
        key,
        'status',
        outcome.status,
        'last_status_code',
        outcome.statusCode === null ? '' : String(outcome.statusCode),
        'last_error',
        outcome.error ?? '',
        'next_attempt_at',
        outcome.nextAttemptAt ? outcome.nextAttemptAt.toISOString() : '',
      )
      .expire(key, this.ttlSeconds)
      .exec();
  }
}

function parseMessage(raw: string | undefined): WebhookMessage | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<WebhookMessage>;
    if (
      typeof value.webhookId !== 'string' ||
      typeof value.recordKey !== 'string' ||
      typeof value.url !== 'string' ||
      typeof value.body !== 'string' ||
      typeof value.type !== 'string'
    ) {
      return null;
    }
    return value as WebhookMessage;
  } catch {
    return null;
  }
}
