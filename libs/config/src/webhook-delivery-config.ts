import { ConfigError } from './config-error';

/** Tuning of webhook delivery, from the environment (the secret and alert URL are in SwitchyardConfig). */
export interface WebhookDeliveryConfig {
  /** SWITCHYARD_WEBHOOK_MAX_ATTEMPTS: delivery attempts per message */
  maxAttempts: number;
  /** SWITCHYARD_WEBHOOK_BACKOFF_BASE_MS: the first retry's delay */
  backoffBaseMs: number;
  /** One attempt, connect to response, is abandoned after this long. */
  timeoutMs: number;
  /**
   * SWITCHYARD_WEBHOOK_CONNECT_TIMEOUT_MS: an attempt whose TCP connection (DNS included) is not
   * up after this long is abandoned, so a receiver that never accepts frees its slot quickly.
   */
  connectTimeoutMs: number;
  /** SWITCHYARD_WEBHOOK_CONCURRENCY: deliveries in flight per dispatcher process */
  concurrency: number;
  /** SWITCHYARD_WEBHOOK_DESTINATION_CONCURRENCY: in flight per receiver host:port per dispatcher */
  destinationConcurrency: number;
}

export const WEBHOOK_DELIVERY_DEFAULTS: Readonly<WebhookDeliveryConfig> = Object.freeze({
  maxAttempts: 12,
  backoffBaseMs: 5000,
  timeoutMs: 10_000,
  connectTimeoutMs: 3000,
  concurrency: 16,
  destinationConcurrency: 4,
});

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError(`${name}: expected a positive integer, got "${raw}"`);
  }
  return n;
}

export function loadWebhookDeliveryConfig(
  env: NodeJS.ProcessEnv = process.env,
): WebhookDeliveryConfig {
  const d = WEBHOOK_DELIVERY_DEFAULTS;
  return {
    maxAttempts: positiveInt(env, 'SWITCHYARD_WEBHOOK_MAX_ATTEMPTS', d.maxAttempts),
    backoffBaseMs: positiveInt(env, 'SWITCHYARD_WEBHOOK_BACKOFF_BASE_MS', d.backoffBaseMs),
    timeoutMs: d.timeoutMs,
    connectTimeoutMs: positiveInt(env, 'SWITCHYARD_WEBHOOK_CONNECT_TIMEOUT_MS', d.connectTimeoutMs),
    concurrency: positiveInt(env, 'SWITCHYARD_WEBHOOK_CONCURRENCY', d.concurrency),
    destinationConcurrency: positiveInt(
      env,
      'SWITCHYARD_WEBHOOK_DESTINATION_CONCURRENCY',
      d.destinationConcurrency,
    ),
  };
}
