import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type Redis from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import { REDIS_CONSUMER } from '@switchyard/runtime';
import { mountConsole } from './console/console-assets';
import { BodyValidationPipe } from './http/body-validation.pipe';
import { refuseWhileRedisDown } from './http/redis-availability.hook';
import { refuseOverLimitBodies } from './http/request-body-limits.hook';
import { ScopedExceptionFilter } from './openai-compat/openai-exception.filter';

/** The API's HTTP behaviour: validation with field-level errors, one error shape, and /docs. */
export function configureIngressHttp(app: NestFastifyApplication, _config: SwitchyardConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  refuseWhileRedisDown(fastify, app.get<Redis>(REDIS_CONSUMER, { strict: false }));
  refuseOverLimitBodies(fastify);
  app.useGlobalFilters(new ScopedExceptionFilter());
  app.useGlobalPipes(new BodyValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchyard')
      .setDescription(
        'Multi-provider LLM job router: submit jobs, poll or receive signed webhooks.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  // The probes and /metrics are shared with every process and are not part of the API.
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => path.startsWith('/v1/')),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  mountConsole(app);
}
