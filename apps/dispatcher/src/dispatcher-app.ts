import { Logger, type INestApplication } from '@nestjs/common';
import { ConfigError, type SwitchyardConfig } from '@switchyard/config';
import { createProcessApp, type ProcessAppOptions } from '@switchyard/runtime';
import { resolveWebhookSecret, type WebhookDeliverySettings } from '@switchyard/webhooks';
import { DispatcherModule } from './dispatcher.module';

export type DispatcherAppOptions = Pick<ProcessAppOptions, 'logger'>;

/**
 * Builds (does not listen) the dispatcher app. Configuration problems — no REDIS_URL, no or a bad
 * SWITCHYARD_WEBHOOK_SECRET — are thrown before anything connects, with a message naming the
 * variable and never its value.
 */
export async function createDispatcherApp(
  config: SwitchyardConfig,
  settings: WebhookDeliverySettings,
  options: DispatcherAppOptions = {},
): Promise<INestApplication> {
  const { redisUrl } = config;
  if (!redisUrl) {
    throw new ConfigError(
      'REDIS_URL is required for the dispatcher (only the all-in-one starts its own Redis)',
    );
  }
  // Checked before Nest builds anything: a provider that throws after the Redis client exists
  // would leave that connection open. The service checks again; this only fails fast.
  resolveWebhookSecret(config.webhookSecret, {
    allowEphemeral: false,
    logger: new Logger('Dispatcher'),
  });
  return createProcessApp(
    DispatcherModule.forConfig({ ...config, redisUrl }, settings),
    config,
    options,
  );
}
