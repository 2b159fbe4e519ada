import { Module, type DynamicModule } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import { createRedisClient } from '@switchyard/redis';
import {
  HealthController,
  READINESS_CHECKS,
  REDIS_CONSUMER,
  SWITCHYARD_CONFIG,
  type ReadinessCheck,
} from '@switchyard/runtime';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import {
  webhookDeliverySettings,
  WebhookDeliveryStore,
  WebhookDispatcherService,
  type WebhookDeliverySettings,
} from '@switchyard/webhooks';
import type Redis from 'ioredis';
import { DispatcherLifecycle } from './dispatcher-lifecycle';
import { DISPATCHER_REDIS } from './dispatcher.tokens';

/** /readyz of a dedicated dispatcher: ready while it consumes the webhook queue. */
function consuming(dispatcher: WebhookDispatcherService): ReadinessCheck {
  return {
    name: 'worker',
    ready: 'running',
    state: () => (dispatcher.isRunning() ? 'running' : 'stopped'),
  };
}

/** The dedicated webhook dispatcher: one Redis connection, the delivery store, the Worker, probes. */
@Module({})
export class DispatcherModule {
  static forConfig(
    config: SwitchyardConfig & { redisUrl: string },
    settings: WebhookDeliverySettings,
  ): DynamicModule {
    return {
      module: DispatcherModule,
      controllers: [HealthController],
      providers: [
        {
          provide: DISPATCHER_REDIS,
          useFactory: () => createRedisClient(config.redisUrl, 'consumer', 'switchyard-dispatcher'),
        },
        // The probes ping the dispatcher's one connection.
        { provide: REDIS_CONSUMER, useExisting: DISPATCHER_REDIS },
        { provide: SwitchyardMetrics, useFactory: () => new SwitchyardMetrics() },
        {
          provide: READINESS_CHECKS,
          inject: [WebhookDispatcherService],
          useFactory: (dispatcher: WebhookDispatcherService) => [consuming(dispatcher)],
        },
        {
          provide: WebhookDeliveryStore,
          inject: [DISPATCHER_REDIS],
          useFactory: (redis: Redis) =>
            new WebhookDeliveryStore(redis, config.redisPrefix, {
              ttlSeconds: config.jobRetentionSeconds,
            }),
        },
        {
          provide: WebhookDispatcherService,
          inject: [DISPATCHER_REDIS, WebhookDeliveryStore, SwitchyardMetrics],
          useFactory: (redis: Redis, store: WebhookDeliveryStore, metrics: SwitchyardMetrics) =>
            new WebhookDispatcherService({
              connection: redis,
              queuePrefix: config.queuePrefix,
              store,
              secret: config.webhookSecret,
              // A dedicated dispatcher is a deployment; see resolveWebhookSecret for why it refuses.
              allowEphemeralSecret: false,
              allowPrivate: config.webhookAllowPrivate,
              settings,
              metrics,
            }),
        },
        DispatcherLifecycle,
      ],
    };
  }

  /**
   * The same dispatcher inside the all-in-one process: the delivery store and settings come from
   * the shared core, and without SWITCHYARD_WEBHOOK_SECRET it signs with an ephemeral secret.
   */
  static inProcess(): DynamicModule {
    return {
      module: DispatcherModule,
      providers: [
        {
          provide: DISPATCHER_REDIS,
          inject: [SWITCHYARD_CONFIG],
          useFactory: (config: SwitchyardConfig) =>
            createRedisClient(
              config.redisUrl ?? 'redis://127.0.0.1:6379',
              'consumer',
              'switchyard-dispatcher',
            ),
        },
        {
          provide: WebhookDispatcherService,
          inject: [SWITCHYARD_CONFIG, DISPATCHER_REDIS, WebhookDeliveryStore, SwitchyardMetrics],
          useFactory: (
            config: SwitchyardConfig,
            redis: Redis,
            store: WebhookDeliveryStore,
            metrics: SwitchyardMetrics,
          ) =>
            new WebhookDispatcherService({
              connection: redis,
              queuePrefix: config.queuePrefix,
              store,
              secret: config.webhookSecret,
              allowEphemeralSecret: true,
              allowPrivate: config.webhookAllowPrivate,
              settings: webhookDeliverySettings(config.webhookDelivery),
              metrics,
            }),
        },
        DispatcherLifecycle,
      ],
    };
  }
}
