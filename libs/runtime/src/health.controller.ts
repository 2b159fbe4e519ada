import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { RoutingTableHolder } from '@switchyard/routing';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { REDIS_CONSUMER } from './runtime.tokens';

/**
 * The probes and the scrape endpoint every Switchyard process serves. No Swagger decorators here:
 * they would load @nestjs/swagger (tens of MB) into workers and routers that serve no API docs.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
    private readonly routing: RoutingTableHolder,
    private readonly metrics: SwitchyardMetrics,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const checks = {
      redis: await this.pingRedis(),
      routing_table: this.routing.current ? 'loaded' : 'missing',
    };
    const ready = checks.redis === 'ok' && checks.routing_table === 'loaded';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private async pingRedis(): Promise<string> {
    if (this.redis.status !== 'ready') return `not connected (${this.redis.status})`;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000)),
      ]);
      return 'ok';
    } catch (err) {
      return `error: ${(err as Error).message}`;
    }
  }
}
