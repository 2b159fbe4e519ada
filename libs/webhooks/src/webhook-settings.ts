import {
  WEBHOOK_DELIVERY_DEFAULTS,
  loadWebhookDeliveryConfig,
  type WebhookDeliveryConfig,
} from '@switchyard/config';
import { DEFAULT_WEBHOOK_RETRY_SETTINGS, type WebhookRetrySettings } from './webhook-backoff';

/** Tuning of the delivery pipeline; the secret, allow-private flag and alert URL live in SwitchyardConfig. */
export interface WebhookDeliverySettings {
  retry: WebhookRetrySettings;
  /** One attempt, connect to response, is abandoned after this long. */
  timeoutMs: number;
  /** An attempt still without a TCP connection after this long is abandoned (of timeoutMs). */
  connectTimeoutMs: number;
  /** Deliveries in flight per dispatcher process (SWITCHYARD_WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /**
   * Deliveries in flight per receiver host:port per dispatcher process
   * (SWITCHYARD_WEBHOOK_DESTINATION_CONCURRENCY), so one tenant's hanging receivers cannot hold
   * the whole pool.
   */
  destinationConcurrency: number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = WEBHOOK_DELIVERY_DEFAULTS.timeoutMs;
export const DEFAULT_WEBHOOK_CONNECT_TIMEOUT_MS = WEBHOOK_DELIVERY_DEFAULTS.connectTimeoutMs;
export const DEFAULT_WEBHOOK_CONCURRENCY = WEBHOOK_DELIVERY_DEFAULTS.concurrency;
export const DEFAULT_WEBHOOK_DESTINATION_CONCURRENCY =
  WEBHOOK_DELIVERY_DEFAULTS.destinationConcurrency;

/** The delivery pipeline's settings from the configuration libs/config read (config.webhookDelivery). */
export function webhookDeliverySettings(config: WebhookDeliveryConfig): WebhookDeliverySettings {
  return {
    retry: {
      ...DEFAULT_WEBHOOK_RETRY_SETTINGS,
      maxAttempts: config.maxAttempts,
      backoffBaseMs: config.backoffBaseMs,
    },
    timeoutMs: config.timeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    concurrency: config.concurrency,
    destinationConcurrency: config.destinationConcurrency,
  };
}

/** The same from an environment (SWITCHYARD_WEBHOOK_*, read by libs/config's loader). */
export function loadWebhookSettings(env: NodeJS.ProcessEnv): WebhookDeliverySettings {
  return webhookDeliverySettings(loadWebhookDeliveryConfig(env));
}
