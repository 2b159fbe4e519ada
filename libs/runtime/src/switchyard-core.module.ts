import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { loadConfig, type SwitchyardConfig } from '@switchyard/config';
import { CircuitBreaker } from '@switchyard/circuit-breaker';
import {
  AttemptEnqueuer,
  IdempotencyStore,
  JobCompletionChannel,
  JobEventLog,
  JobFinalizer,
  JobStore,
  ResponseCache,
} from '@switchyard/jobs';
import {
  ProviderLimiters,
  ProviderPauses,
  QueueRegistry,
  WEBHOOK_QUEUE,
  createRedisClient,
} from '@switchyard/redis';
import { RoutingTableHolder } from '@switchyard/routing';
import { DailySpendStore, LatencyTracker, TenantRateLimiter } from '@switchyard/routing-state';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { AlertLog, WebhookDeliveryStore, WebhookPublisher } from '@switchyard/webhooks';
import { HealthController, type ReadinessCheck } from './health.controller';
import { BudgetAlerts } from './budget-alerts';
import { LEDGER_OPTIONS, LedgerService } from './ledger.service';
import { AnnouncedStates } from './announced-states';
import { ProviderAdapters } from './provider-adapters';
import { QueueDepthMetrics } from './queue-depth-metrics';
import {
  READINESS_CHECKS,
  REDIS_CONSUMER,
  REDIS_QUEUE,
  REDIS_SUBSCRIBER,
  SWITCHYARD_CONFIG,
} from './runtime.tokens';

export interface CoreModuleOptions {
  /** Names the process in logs, traces and the ledger's connection. */
  processName: string;
  /** Use an embedded PostgreSQL (PGlite) when DATABASE_URL is unset (the all-in-one only). */
  embeddedLedger?: boolean;
  config?: SwitchyardConfig;
  /** Loaded before Nest starts, so a broken table stops the process with its errors, not a stack trace. */
  routing?: RoutingTableHolder;
  /** Store the ledger rows the workers leave in the Redis outbox (workers and the router do). */
  drainLedgerOutbox?: boolean;
}

/**
 * What every Switchyard process shares: configuration, the Redis connections, the routing table,
 * the stores built on them and the call ledger. Each app module imports this once and adds only
 * its own controllers and processors.
 */
@Global()
@Module({})
export class SwitchyardCoreModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Core');

  constructor(
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(REDIS_QUEUE) private readonly queueConnection: Redis,
    private readonly queues: QueueRegistry,
    private readonly routing: RoutingTableHolder,
  ) {}

  static forRoot(options: CoreModuleOptions): DynamicModule {
    const config = options.config ?? loadConfig();
    const redisUrl = config.redisUrl ?? 'redis://127.0.0.1:6379';
    const providers: Provider[] = [
      { provide: SWITCHYARD_CONFIG, useValue: config },
      {
        provide: REDIS_CONSUMER,
        useFactory: () =>
          createRedisClient(
            redisUrl,
            'consumer',
            options.processName,
            config.redisCommandTimeoutMs,
          ),
      },
      {
        provide: REDIS_SUBSCRIBER,
        useFactory: () => createRedisClient(redisUrl, 'consumer', `${options.processName}-sub`),
      },
      {
        provide: RoutingTableHolder,
        useFactory: () => {
          const holder =
            options.routing ??
            new RoutingTableHolder(config.routesPath, config.environment, new Logger('Routes'));
          holder.watch();
          return holder;
        },
      },
      {
        provide: JobStore,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) =>
          new JobStore(redis, config.redisPrefix, config.jobRetentionSeconds, {
            ledgerOutboxMaxEntries: config.ledgerOutboxMaxEntries,
          }),
      },
      {
        // On the stores' connection: a worker's events keep their order with the job's transitions.
        provide: JobEventLog,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) =>
          new JobEventLog(redis, config.redisPrefix, config.jobRetentionSeconds),
      },
      {
        provide: IdempotencyStore,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) => new IdempotencyStore(redis, config.redisPrefix),
      },
      {
        // BullMQ loads its scripts onto the connection it is given, and ioredis copies every loaded
        // script onto each multi()/pipeline(): on a shared connection that made every store
        // transaction pay for BullMQ's 60-odd scripts (measured by npm run bench).
        provide: REDIS_QUEUE,
        useFactory: () =>
          createRedisClient(
            redisUrl,
            'consumer',
            `${options.processName}-queues`,
            config.redisCommandTimeoutMs,
          ),
      },
      {
        provide: QueueRegistry,
        inject: [REDIS_QUEUE],
        useFactory: (redis: Redis) => new QueueRegistry(redis, config.queuePrefix),
      },
      {
        provide: JobCompletionChannel,
        inject: [REDIS_CONSUMER, REDIS_SUBSCRIBER],
        useFactory: (redis: Redis, sub: Redis) =>
          new JobCompletionChannel(redis, sub, config.redisPrefix),
      },
      {
        provide: CircuitBreaker,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) => new CircuitBreaker(redis, config.redisPrefix),
      },
      {
        provide: ProviderLimiters,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) => new ProviderLimiters(redis, config.queuePrefix),
      },
      {
        provide: ProviderPauses,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) => new ProviderPauses(redis, config.redisPrefix),
      },
      {
        // Listens from the start: a change announced before the first decision empties nothing.
        provide: AnnouncedStates,
        inject: [CircuitBreaker, ProviderPauses, REDIS_SUBSCRIBER],
        useFactory: (breaker: CircuitBreaker, pauses: ProviderPauses, sub: Redis) => {
          const states = new AnnouncedStates(breaker, pauses, sub, config.redisPrefix);
          states.listen();
          return states;
        },
      },
      {
        provide: DailySpendStore,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) => new DailySpendStore(redis, config.redisPrefix),
      },
      {
        provide: LatencyTracker,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) => new LatencyTracker(redis, config.redisPrefix),
      },
      {
        provide: ResponseCache,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) => new ResponseCache(redis, config.redisPrefix),
      },
      {
        provide: TenantRateLimiter,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) => new TenantRateLimiter(redis, config.redisPrefix),
      },
      { provide: SwitchyardMetrics, useFactory: () => new SwitchyardMetrics() },
      {
        provide: READINESS_CHECKS,
        inject: [RoutingTableHolder],
        useFactory: (routing: RoutingTableHolder): ReadinessCheck[] => [
          {
            name: 'routing_table',
            ready: 'loaded',
            state: () => (routing.current ? 'loaded' : 'missing'),
          },
        ],
      },
      {
        provide: LEDGER_OPTIONS,
        useValue: {
          embedded: options.embeddedLedger ?? false,
          drainOutbox: options.drainLedgerOutbox ?? false,
          processName: options.processName,
        },
      },
      LedgerService,
      BudgetAlerts,
      QueueDepthMetrics,
      {
        provide: WebhookDeliveryStore,
        inject: [REDIS_CONSUMER],
        useFactory: (redis: Redis) =>
          new WebhookDeliveryStore(redis, config.redisPrefix, {
            ttlSeconds: config.jobRetentionSeconds,
          }),
      },
      {
        provide: WebhookPublisher,
        inject: [QueueRegistry, WebhookDeliveryStore, REDIS_CONSUMER],
        useFactory: (queues: QueueRegistry, store: WebhookDeliveryStore, redis: Redis) =>
          new WebhookPublisher(queues.get(WEBHOOK_QUEUE), store, config.alertWebhookUrl, {
            alertLog: new AlertLog(redis, config.redisPrefix),
            maxAttempts: config.webhookDelivery.maxAttempts,
          }),
      },
      ProviderAdapters,
      AttemptEnqueuer,
      JobFinalizer,
    ];
    return {
      module: SwitchyardCoreModule,
      global: true,
      controllers: [HealthController],
      providers,
      exports: providers,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.routing.close();
    await this.queues.close();
    await this.queueConnection.quit().catch(() => this.queueConnection.disconnect());
    this.subscriber.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
