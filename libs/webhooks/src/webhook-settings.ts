import { ConfigError } from '@switchyard/config';
import { DEFAULT_WEBHOOK_RETRY_SETTINGS, type WebhookRetrySettings } from './webhook-backoff';

/** Tuning of the delivery pipeline; the secret, allow-private flag and alert URL live in SwitchyardConfig. */
export interface WebhookDeliverySettings {
  retry: WebhookRetrySettings;
  /** One attempt, connect to response, is abandoned after this long. */
  timeoutMs: number;
  /** Deliveries in flight per dispatcher process (SWITCHYARD_WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /**
   * Deliveries in flight per receiver host:port per dispatcher process
   * (SWITCHYARD_WEBHOOK_DESTINATION_CONCURRENCY), so one tenant's hanging receivers cannot hold
   * the whole pool.
   */
  destinationConcurrency: number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_WEBHOOK_CONCURRENCY = 16;
export const DEFAULT_WEBHOOK_DESTINATION_CONCURRENCY = 4;

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError(`${name}: expected a positive integer, got "${raw}"`);
  }
  return n;
}

/**
 * Reads SWITCHYARD_WEBHOOK_MAX_ATTEMPTS (12), SWITCHYARD_WEBHOOK_BACKOFF_BASE_MS (5000) and
 * SWITCHYARD_WEBHOOK_CONCURRENCY (16), SWITCHYARD_WEBHOOK_DESTINATION_CONCURRENCY (4). Kept beside the code that uses them until the lead folds them
 * into loadConfig().
 */
export function loadWebhookSettings(env: NodeJS.ProcessEnv = process.env): WebhookDeliverySettings {
  return {
    retry: {
      ...DEFAULT_WEBHOOK_RETRY_SETTINGS,
      maxAttempts: positiveInt(
        env,
        'SWITCHYARD_WEBHOOK_MAX_ATTEMPTS',
        DEFAULT_WEBHOOK_RETRY_SETTINGS.maxAttempts,
      ),
      backoffBaseMs: positiveInt(
        env,
        'SWITCHYARD_WEBHOOK_BACKOFF_BASE_MS',
        DEFAULT_WEBHOOK_RETRY_SETTINGS.backoffBaseMs,
      ),
    },
    timeoutMs: DEFAULT_WEBHOOK_TIMEOUT_MS,
    concurrency: positiveInt(env, 'SWITCHYARD_WEBHOOK_CONCURRENCY', DEFAULT_WEBHOOK_CONCURRENCY),
    destinationConcurrency: positiveInt(
      env,
      'SWITCHYARD_WEBHOOK_DESTINATION_CONCURRENCY',
      DEFAULT_WEBHOOK_DESTINATION_CONCURRENCY,
    ),
  };
}
