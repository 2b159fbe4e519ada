import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requestTraceCarrier, type TraceCarrier } from '@switchyard/telemetry';
import type { KeyRole, TenantRequest } from './tenant-auth.guard';

export const Tenant = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string =>
    ctx.switchToHttp().getRequest<TenantRequest>().tenant,
);

/** The roles of the key that authenticated the request (see TenantAuthGuard). */
export const KeyRoles = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): ReadonlySet<KeyRole> =>
    ctx.switchToHttp().getRequest<TenantRequest>().roles,
);

/** The trace the request's job joins: its caller's `traceparent` continued, or a new trace. */
export const RequestTrace = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): TraceCarrier =>
    requestTraceCarrier(ctx.switchToHttp().getRequest<FastifyRequest>().headers),
);
