import type { LedgerPolicy, OnInvalidOutput, RetryConfig } from './routing-table.types';

/** Values the routes file may leave out. Kept together so the README's table has one source. */
export const DEFAULT_ROUTES_PATH = './routes.yaml';
export const DEFAULT_PROVIDER_CONCURRENCY = 8;
export const DEFAULT_PROVIDER_TIMEOUT_MS = 60_000;
/** A streamed call that shows no content within this long is abandoned as a `timeout`. */
export const DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 15_000;
/** A streamed call whose deltas stop for this long is abandoned as a `timeout`. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_ALERT_AT = 0.8;
export const DEFAULT_ON_INVALID_OUTPUT: OnInvalidOutput = 'fallback';
export const DEFAULT_RETRY: Readonly<RetryConfig> = { attempts: 2, backoff_ms: 250 };
export const DEFAULT_LEDGER_POLICY: Readonly<LedgerPolicy> = {
  store_prompts: true,
  store_responses: true,
};
/** max_tokens assumed for estimates when neither the job nor the task sets one. */
export const DEFAULT_ESTIMATE_MAX_TOKENS = 4096;
