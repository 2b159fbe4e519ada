import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type Redis from 'ioredis';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { READINESS_CHECKS, REDIS_CONSUMER } from './runtime.tokens';

const PING_TIMEOUT_MS = 1000;

/** One more thing a process must have before it is ready, beside a Redis that answers. */
export interface ReadinessCheck {
  /** Its key under `checks` in the /readyz answer */
  name: string;
  /** The state it reports when ready */
  ready: string;
  state(): string;
}

/**
 * The probes and the scrape endpoint every Switchyard process serves: liveness is "the process
 * answers"; readiness is "Redis answers" and each of the process's READINESS_CHECKS. No Swagger
 * decorators here: they would load @nestjs/swagger (tens of MB) into processes that serve no
 * API docs.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
    private readonly metrics: SwitchyardMetrics,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(
    @Res({ passthrough: true }) reply: { status(code: number): unknown },
  ): Promise<{ status: string; checks: Record<string, string> }> {
    const checks: Record<string, string> = { redis: await this.pingRedis() };
    let ready = checks.redis === 'ok';
    for (const check of this.checks) {
      checks[check.name] = check.state();
      ready &&= checks[check.name] === check.ready;
    }
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', checks };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private async pingRedis(): Promise<string> {
    if (this.redis.status !== 'ready') return `not connected (${this.redis.status})`;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
        }),
      ]);
      return 'ok';
    } catch (err) {
      return `error: ${(err as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  }
}
