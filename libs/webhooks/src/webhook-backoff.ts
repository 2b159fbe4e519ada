/** Retry policy of webhook deliveries. */
export interface WebhookRetrySettings {
  /** Total attempts including the first (SWITCHYARD_WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Delay before the first retry (SWITCHYARD_WEBHOOK_BACKOFF_BASE_MS). */
  backoffBaseMs: number;
  /** Growth per retry. */
  backoffFactor: number;
  /** Ceiling of one delay before jitter, so a large maxAttempts cannot push retries out for weeks. */
  maxBackoffMs: number;
  /** Spread of each delay: 0.2 = uniformly within ±20%, so failed receivers are not hit in bursts. */
  jitter: number;
}

const HOUR_MS = 3_600_000;

/**
 * 12 attempts, 5 s growing by 2.6x to at most 12 h: 5s, 13s, 34s, 1.5m, 3.8m, 9.9m, 26m, 67m,
 * 2.9h, 7.5h, 12h — about 24 hours from the first attempt to the last.
 */
export const DEFAULT_WEBHOOK_RETRY_SETTINGS: Readonly<WebhookRetrySettings> = Object.freeze({
  maxAttempts: 12,
  backoffBaseMs: 5000,
  backoffFactor: 2.6,
  maxBackoffMs: 12 * HOUR_MS,
  jitter: 0.2,
});

/**
 * Delay before retry number `retry` (1 = after the first failed attempt).
 * @param random source in [0, 1); 0.5 gives the delay without jitter.
 */
export function webhookRetryDelay(
  retry: number,
  settings: WebhookRetrySettings,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(retry));
  const raw = settings.backoffBaseMs * settings.backoffFactor ** (n - 1);
  const capped = Math.min(raw, settings.maxBackoffMs);
  const spread = 1 - settings.jitter + 2 * settings.jitter * random();
  return Math.max(0, Math.round(capped * spread));
}

/** Every delay a message can go through: `maxAttempts - 1` entries. */
export function webhookRetrySchedule(
  settings: WebhookRetrySettings,
  random: () => number = Math.random,
): number[] {
  const delays: number[] = [];
  for (let retry = 1; retry < settings.maxAttempts; retry++) {
    delays.push(webhookRetryDelay(retry, settings, random));
  }
  return delays;
}
