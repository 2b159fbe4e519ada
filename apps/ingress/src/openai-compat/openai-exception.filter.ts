import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { sendJson } from '../http/json-reply';
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
    const req = host.switchToHttp().getRequest<FastifyRequest | { url?: string }>();
    if (!isOpenAiCompatPath(pathOf(req.url ?? ''))) return this.api.catch(exception, host);
    const res = host.switchToHttp().getResponse<FastifyReply | ServerResponse>();
    let answer;
    if (exception instanceof OpenAiError) {
      answer = exception.answer;
    } else {
      const { status, body } = this.api.toResponse(exception);
      this.api.logUnexpected(status, exception);
      answer = fromApiError(status, body);
    }
    // A stream that already started cannot change its status; it ends instead (see sendJson).
    sendJson(res, answer.status, answer.body, answer.headers);
  }
}

/** The request's path, without its query. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
