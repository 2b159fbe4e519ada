import {
  Logger,
  Module,
  type DynamicModule,
  type INestApplication,
  type LoggerService,
  type LogLevel,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { loadConfig, type SwitchyardConfig } from '@switchyard/config';
import { RoutingTableHolder } from '@switchyard/routing';
import { registerBodyParsers } from './json-body-parser';
import { SwitchyardCoreModule, type CoreModuleOptions } from './switchyard-core.module';

export interface ProcessAppOptions {
  /** Extra HTTP set-up (the ingress adds validation, error shape and docs). */
  configureHttp?: (app: NestFastifyApplication, config: SwitchyardConfig) => void;
  logger?: LoggerService | LogLevel[] | false;
}

export interface ProcessOptions extends CoreModuleOptions, ProcessAppOptions {
  features: Array<Type<unknown> | DynamicModule>;
  port?: number;
}

/**
 * Builds (does not listen) one Switchyard process from its root module, with the HTTP set-up
 * every process shares. startProcess builds its root from the shared core; the dispatcher, which
 * needs none of the core, brings its own.
 */
export async function createProcessApp(
  root: Type<unknown> | DynamicModule,
  config: SwitchyardConfig,
  options: ProcessAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // The routing clients and the docs rely on: /v1/jobs/ is /v1/jobs, and an id of any length
    // reaches its route (which answers 404 for an unknown one).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    // The body parsers below enforce the limit once a body is decoded.
    bodyLimit: Number.MAX_SAFE_INTEGER,
    // Node's own default, which Fastify turns off: a client gets 5 minutes to send its request
    // (not to read the answer: an SSE stream or a Prefer: wait is unaffected).
    requestTimeout: 300_000,
    // A request that reaches a closing process is still served (its job is in Redis either way);
    // new connections are refused, and idle keep-alive ones closed, as the server closes.
    return503OnClosing: false,
    // Refused before routing (a path that is not valid percent-encoding): the API's error shape,
    // which OpenAI's clients read too (error.type, error.message).
    frameworkErrors: (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      void reply.code(error.statusCode ?? 400).send({
        error: { type: 'invalid_request', message: error.message, details: [] },
      });
    },
  });
  registerBodyParsers(adapter.getInstance(), config.bodyLimitBytes);
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    bufferLogs: false,
    bodyParser: false,
    abortOnError: false,
    ...(options.logger !== undefined && { logger: options.logger }),
  });
  options.configureHttp?.(app, config);
  return app;
}

/** Serves a built process on its port (HOST, PORT) with a clean shutdown on SIGTERM. */
export async function serveProcess(
  app: INestApplication,
  processName: string,
  config: SwitchyardConfig,
  port = config.port,
): Promise<void> {
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(port, config.host);
  new Logger(processName).log(`listening on :${port}`);
}

/**
 * Starts one Switchyard process: the shared core plus the feature modules it runs, an HTTP server
 * for its probes and metrics (and the API, for the ingress), and a clean shutdown on SIGTERM.
 */
export async function startProcess(options: ProcessOptions): Promise<INestApplication> {
  const config = options.config ?? loadConfig();
  const routing =
    options.routing ??
    new RoutingTableHolder(config.routesPath, config.environment, new Logger('Routes'));

  @Module({
    imports: [SwitchyardCoreModule.forRoot({ ...options, config, routing }), ...options.features],
  })
  class ProcessRootModule {}

  const app = await createProcessApp(ProcessRootModule, config, options);
  await serveProcess(app, options.processName, config, options.port);
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
