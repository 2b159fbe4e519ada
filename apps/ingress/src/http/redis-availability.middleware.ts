import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CONSUMER } from '@switchyard/runtime';
import type { ApiErrorBody } from './api-error';
import { writeJson } from './json-reply';

/**
 * The shared Redis connection queues commands while it reconnects (workers must not drop a step),
 * so an API request during an outage would hang. The API answers 503 at once instead, and the
 * client retries; nothing is half-written because nothing was started. Runs before the body is
 * read.
 */
@Injectable()
export class RedisAvailabilityMiddleware implements NestMiddleware {
  constructor(@Inject(REDIS_CONSUMER) private readonly redis: Redis) {}

  use(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
    if (this.redis.status === 'ready') return next();
    const body: ApiErrorBody = {
      error: {
        type: 'service_unavailable',
        message: `the job store (Redis) is unreachable (${this.redis.status}); retry shortly`,
        details: [],
      },
    };
    writeJson(res, 503, body, { 'Retry-After': '1' });
  }
}
