import type { FastifyInstance } from 'fastify';
import type Redis from 'ioredis';
import type { ApiErrorBody } from './api-error';

/**
 * The shared Redis connection queues commands while it reconnects (workers must not drop a step),
 * so an API request during an outage would hang. The API answers 503 at once instead, and the
 * client retries; nothing is half-written because nothing was started. A Fastify hook on every
 * request, before its body is read: Nest middleware would cost each request a second router.
 */
export function refuseWhileRedisDown(fastify: FastifyInstance, redis: Redis): void {
  fastify.addHook('onRequest', async (req, reply) => {
    if (redis.status === 'ready' || !req.url.startsWith('/v1/')) return;
    const body: ApiErrorBody = {
      error: {
        type: 'service_unavailable',
        message: `the job store (Redis) is unreachable (${redis.status}); retry shortly`,
        details: [],
      },
    };
    return reply.code(503).header('Retry-After', '1').send(body);
  });
}
