import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
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
