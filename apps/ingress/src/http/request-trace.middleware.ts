import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { runInRequestTrace } from '@switchyard/telemetry';

/**
 * Puts every API request in a trace (the caller's `traceparent`, or a new one) before anything
 * reads the active context: the job a request submits takes its trace id from it. With the HTTP
 * instrumentation registered it finds that instrumentation's span and does nothing. Runs after the
 * body parser, so nothing downstream waits on a socket event that would lose the context.
 */
@Injectable()
export class RequestTraceMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    runInRequestTrace(req.headers, req.method, next, (span) => {
      res.once('close', () => span.end());
    });
  }
}
