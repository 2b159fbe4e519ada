import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { OpenAiError, fromApiError } from './openai-error';

/** The routes that answer in OpenAI's error shape (the SDKs read nothing else). */
export function isOpenAiCompatPath(path: string): boolean {
  return /^\/v1\/(chat\/completions|models)(\/|$)/.test(path);
}

/**
 * The ingress's one global filter: OpenAI-compatible routes get OpenAI's error shape, every other
 * route the job API's. Global rather than per controller so that failures before routing (a body
 * that is not JSON, one too large) on these paths are in OpenAI's shape too.
 */
@Catch()
export class ScopedExceptionFilter implements ExceptionFilter {
  constructor(private readonly api: ApiExceptionFilter = new ApiExceptionFilter()) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    if (!isOpenAiCompatPath(req.path)) return this.api.catch(exception, host);
    const res = host.switchToHttp().getResponse<Response>();
    let answer;
    if (exception instanceof OpenAiError) {
      answer = exception.answer;
    } else {
      const { status, body } = this.api.toResponse(exception);
      this.api.logUnexpected(status, exception);
      answer = fromApiError(status, body);
    }
    // A stream that already started cannot change its status; it ends instead.
    if (res.headersSent) return void res.end();
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(answer.status).json(answer.body);
  }
}
