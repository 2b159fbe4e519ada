import './instrument';
import { loadConfig } from '@switchyard/config';
import { exitOnStartupError, serveProcess } from '@switchyard/runtime';
import { webhookDeliverySettings } from '@switchyard/webhooks';
import { createDispatcherApp } from './dispatcher-app';

/**
 * Webhook dispatcher process: consumes WEBHOOK_QUEUE, serves /healthz, /readyz and /metrics on
 * PORT, and on SIGTERM lets in-flight deliveries finish before exiting.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createDispatcherApp(config, webhookDeliverySettings(config.webhookDelivery));
  await serveProcess(app, 'dispatcher', config);
}

// Messages of config and secret errors are written to be shown; they never contain the secret.
main().catch(exitOnStartupError('dispatcher'));
