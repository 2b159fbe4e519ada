import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { WebhookDispatcherService } from '@switchyard/webhooks';
import type Redis from 'ioredis';
import { DISPATCHER_REDIS } from './dispatcher.tokens';

/**
 * Starts consuming once the app is up; on SIGTERM stops taking deliveries and lets in-flight
 * attempts finish (each is bounded by the attempt timeout) before Redis is disconnected.
 */
@Injectable()
export class DispatcherLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private redisClosed = false;

  constructor(
    private readonly dispatcher: WebhookDispatcherService,
    @Inject(DISPATCHER_REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.dispatcher.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }

  async onApplicationShutdown(): Promise<void> {
    // Once only: a second quit() on a closing client fails and disconnect() would then reconnect.
    if (this.redisClosed) return;
    this.redisClosed = true;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
