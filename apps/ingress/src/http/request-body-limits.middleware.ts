import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error';
import { jobBodyViolation } from './request-body-limits';

/** Refuses an over-limit body before the validation pipe spends time on it. */
@Injectable()
export class RequestBodyLimitsMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const violation = jobBodyViolation(req.body);
    if (!violation) return next();
    const type = violation.status === 413 ? 'payload_too_large' : 'invalid_request';
    throw new ApiError(violation.status, type, `${violation.field}: ${violation.problem}`, [
      { field: violation.field, problem: violation.problem },
    ]);
  }
}
