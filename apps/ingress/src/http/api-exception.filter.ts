import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { ApiError, type ApiErrorBody } from './api-error';
import { sendJson } from './json-reply';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  charset?: string;
  encoding?: string;
  /** zlib's code when a compressed body does not decompress (Z_DATA_ERROR, ...) */
  code?: string;
}

/**
 * Turns every failure into the API's error shape. Body-read failures (malformed JSON, oversized
 * body; see registerBodyParsers) arrive here before any controller runs; Redis being down surfaces as a connection error
 * and becomes a 503 so clients know to retry.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<FastifyReply | ServerResponse>();
    const { status, body } = this.toResponse(exception);
    this.logUnexpected(status, exception);
    const headers: Record<string, string> = {};
    if (exception instanceof ApiError && typeof exception.extra.retry_after_s === 'number') {
      headers['Retry-After'] = String(exception.extra.retry_after_s);
    }
    sendJson(res, status, body, headers);
  }

  logUnexpected(status: number, exception: unknown): void {
    if (status >= 500 && !(exception instanceof ApiError)) {
      this.logger.error(exception instanceof Error ? exception.message : String(exception));
    }
  }

  /** The status and job-API body for a failure (also read by route-specific filters). */
  toResponse(exception: unknown): { status: number; body: ApiErrorBody } {
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), body: exception.getResponse() as ApiErrorBody };
    }
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.parse.failed') {
      return wrap(400, 'invalid_json', 'the request body is not valid JSON');
    }
    if (parserError?.type === 'entity.too.large') {
      return wrap(
        413,
        'payload_too_large',
        `the request body exceeds the limit of ${parserError.limit} bytes`,
      );
    }
    const bodyError = bodyParserFailure(parserError);
    if (bodyError) return bodyError;
    if (exception instanceof BadRequestException && /JSON/.test(exception.message)) {
      // Nest turns body-parser's SyntaxError into a BadRequestException before filters see it.
      return wrap(400, 'invalid_json', `the request body is not valid JSON: ${exception.message}`);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const message = exception.message;
      return wrap(status, status === 404 ? 'not_found' : 'http_error', message);
    }
    if (isRedisUnavailable(exception)) {
      return wrap(
        503,
        'service_unavailable',
        'the job store (Redis) is unreachable; retry shortly',
      );
    }
    return wrap(500, 'internal_error', 'internal error');
  }
}

function wrap(
  status: number,
  type: string,
  message: string,
  details: ApiErrorBody['error']['details'] = [],
): { status: number; body: ApiErrorBody } {
  return { status, body: { error: { type, message, details } } };
}

/**
 * The body parser's other refusals (http-errors with a 4xx status): a charset other than UTF-8,
 * a Content-Encoding it cannot undo, a body that does not decompress. Each names the header.
 */
function bodyParserFailure(
  err: BodyParserError | undefined,
): { status: number; body: ApiErrorBody } | null {
  if (!err || typeof err !== 'object') return null;
  if (err.type === 'charset.unsupported') {
    const problem = `charset "${err.charset ?? ''}" is not supported; send UTF-8`;
    return wrap(415, 'unsupported_media_type', `Content-Type: ${problem}`, [
      { field: 'Content-Type', problem },
    ]);
  }
  if (err.type === 'encoding.unsupported') {
    const problem = `"${err.encoding ?? ''}" is not supported; use gzip, deflate, br or identity`;
    return wrap(415, 'unsupported_media_type', `Content-Encoding: ${problem}`, [
      { field: 'Content-Encoding', problem },
    ]);
  }
  if (typeof err.code === 'string' && err.code.startsWith('Z_') && err.status === 400) {
    const problem = 'the body does not decompress as its Content-Encoding says';
    return wrap(400, 'invalid_body', `Content-Encoding: ${problem}`, [
      { field: 'Content-Encoding', problem },
    ]);
  }
  return null;
}

export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return (
    /Stream isn't writeable|Connection is closed|enableOfflineQueue|ECONNREFUSED|ECONNRESET|MaxRetriesPerRequest|Command timed out/i.test(
      err.message,
    ) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET'
  );
}
