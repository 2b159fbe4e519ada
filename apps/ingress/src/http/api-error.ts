import { HttpException } from '@nestjs/common';

export interface ErrorDetail {
  field: string;
  problem: string;
}

export interface ApiErrorBody {
  error: {
    type: string;
    message: string;
    details: ErrorDetail[];
  } & Record<string, unknown>;
}

/** Every error the API answers with has this one shape: `{error: {type, message, details}}`. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly type: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super({ error: { type, message, details, ...extra } } satisfies ApiErrorBody, status);
  }

  static badRequest(message: string, details: ErrorDetail[] = []): ApiError {
    return new ApiError(400, 'invalid_request', message, details);
  }

  static field(field: string, problem: string): ApiError {
    return new ApiError(400, 'invalid_request', `${field}: ${problem}`, [{ field, problem }]);
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }

  static unavailable(message: string): ApiError {
    return new ApiError(503, 'service_unavailable', message);
  }
}
