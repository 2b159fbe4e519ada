import { createHash, timingSafeEqual } from 'node:crypto';
import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { SwitchyardConfig } from '@switchyard/config';
import { SWITCHYARD_CONFIG } from '@switchyard/runtime';
import { ApiError } from './api-error';

export const OPEN_MODE_TENANT = 'default';

/** A role a key may carry beyond its tenant: `eval` may pin jobs to one candidate. */
export type KeyRole = 'eval';

export interface TenantRequest extends FastifyRequest {
  tenant: string;
  /** Roles of the key that authenticated the request; in open mode every role. */
  roles: ReadonlySet<KeyRole>;
}

const OPEN_MODE_ROLES: ReadonlySet<KeyRole> = new Set<KeyRole>(['eval']);
const NO_ROLES: ReadonlySet<KeyRole> = new Set<KeyRole>();
const EVAL_ROLES: ReadonlySet<KeyRole> = new Set<KeyRole>(['eval']);

/**
 * Bearer keys from SWITCHYARD_API_KEYS. Every configured key is compared (in constant time, over
 * fixed-length digests) so neither the match position nor the key length leaks through timing.
 */
@Injectable()
export class TenantAuthGuard implements CanActivate, OnModuleInit {
  private static warned = false;
  private readonly logger = new Logger('Auth');
  private readonly keys: Array<{ tenant: string; digest: Buffer; roles: ReadonlySet<KeyRole> }>;

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    this.keys = [
      ...[...config.apiKeys].map(([tenant, key]) => ({
        tenant,
        digest: digest(key),
        roles: NO_ROLES,
      })),
      ...[...config.evalApiKeys].map(([tenant, key]) => ({
        tenant,
        digest: digest(key),
        roles: EVAL_ROLES,
      })),
    ];
  }

  onModuleInit(): void {
    // Nest builds one guard per module that uses it; the warning is about the process, so once.
    if (this.keys.length === 0 && !TenantAuthGuard.warned) {
      TenantAuthGuard.warned = true;
      this.logger.warn(
        '!!! OPEN MODE: SWITCHYARD_API_KEYS is not set, so the API accepts every request as tenant ' +
          `"${OPEN_MODE_TENANT}". Set SWITCHYARD_API_KEYS=tenant=key,... before exposing this service. !!!`,
      );
    }
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<TenantRequest>();
    if (this.keys.length === 0) {
      req.tenant = OPEN_MODE_TENANT;
      req.roles = OPEN_MODE_ROLES;
      return true;
    }
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match)
      throw new ApiError(401, 'unauthorized', 'missing Authorization: Bearer <key> header');
    const presented = digest(match[1].trim());
    let matched: (typeof this.keys)[number] | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(presented, key.digest) && matched === undefined) matched = key;
    }
    if (matched === undefined) throw new ApiError(401, 'unauthorized', 'invalid API key');
    req.tenant = matched.tenant;
    req.roles = matched.roles;
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
