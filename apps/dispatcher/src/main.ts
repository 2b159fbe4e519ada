import './instrument';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@switchyard/config';
import { webhookDeliverySettings } from '@switchyard/webhooks';
import { createDispatcherApp } from './dispatcher-app';

/**
 * Webhook dispatcher process: consumes WEBHOOK_QUEUE, serves /healthz and /readyz on PORT, and on
 * SIGTERM lets in-flight deliveries finish before exiting.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createDispatcherApp(config, webhookDeliverySettings(config.webhookDelivery));
  app.enableShutdownHooks();
  await app.listen(config.port);
  new Logger('Dispatcher').log(`listening on :${config.port}`);
}

main().catch((err: Error) => {
  // Messages of config and secret errors are written to be shown; they never contain the secret.
  process.stderr.write(`dispatcher: ${err.name}: ${err.message}\n`);
  process.exit(1);
});
