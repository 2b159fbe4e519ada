import {
  Logger,
  Module,
  type DynamicModule,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type SwitchyardConfig } from '@switchyard/config';
import { RoutingTableHolder } from '@switchyard/routing';
import { SwitchyardCoreModule, type CoreModuleOptions } from './switchyard-core.module';

export interface ProcessOptions extends CoreModuleOptions {
  features: Array<Type<unknown> | DynamicModule>;
  /** Extra HTTP set-up (the ingress adds validation, error shape and docs). */
  configureHttp?: (app: NestExpressApplication, config: SwitchyardConfig) => void;
  port?: number;
}

/**
 * Starts one Switchyard process: the shared core plus the feature modules it runs, an HTTP server
 * for its probes and metrics (and the API, for the ingress), and a clean shutdown on SIGTERM.
 */
export async function startProcess(options: ProcessOptions): Promise<INestApplication> {
  const config = options.config ?? loadConfig();
  const routing =
    options.routing ?? new RoutingTableHolder(config.routesPath, process.env, new Logger('Routes'));

  @Module({
    imports: [SwitchyardCoreModule.forRoot({ ...options, config, routing }), ...options.features],
  })
  class ProcessRootModule {}

  const app = await NestFactory.create<NestExpressApplication>(ProcessRootModule, {
    bufferLogs: false,
    bodyParser: false,
    abortOnError: false,
  });
  app.useBodyParser('json', { limit: config.bodyLimitBytes });
  options.configureHttp?.(app, config);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const port = options.port ?? config.port;
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  new Logger(options.processName).log(`listening on :${port}`);
  return app;
}

/** Exit with one clear line rather than a stack trace when start-up fails for a known reason. */
export function exitOnStartupError(processName: string) {
  return (err: unknown): never => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${processName}: failed to start: ${message}\n`);
    process.exit(1);
  };
}
