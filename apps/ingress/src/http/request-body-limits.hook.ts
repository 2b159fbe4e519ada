import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error';
import { jobBodyViolation } from './request-body-limits';

/**
 * Refuses an over-limit API body (see jobBodyViolation) once it is parsed and before the
 * validation pipe spends time on it. A Fastify hook rather than Nest middleware: middleware runs
 * before the body is read.
 */
export function refuseOverLimitBodies(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (req) => {
    if (!req.url.startsWith('/v1/')) return;
    const violation = jobBodyViolation(req.body);
    if (!violation) return;
    const type = violation.status === 413 ? 'payload_too_large' : 'invalid_request';
    throw new ApiError(violation.status, type, `${violation.field}: ${violation.problem}`, [
      { field: violation.field, problem: violation.problem },
    ]);
  });
}
