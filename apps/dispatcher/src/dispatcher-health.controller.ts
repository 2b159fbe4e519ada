import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { WebhookDispatcherService } from '@switchyard/webhooks';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { DISPATCHER_REDIS } from './dispatcher.tokens';

const PING_TIMEOUT_MS = 1000;

/** Liveness is "the process answers"; readiness is "Redis answers and the worker is consuming". */
@Controller()
export class DispatcherHealthController {
  constructor(
    private readonly dispatcher: WebhookDispatcherService,
    @Inject(DISPATCHER_REDIS) private readonly redis: Redis,
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
      worker: this.dispatcher.isRunning() ? 'running' : 'stopped',
    };
    const ready = checks.redis === 'ok' && checks.worker === 'running';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
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
