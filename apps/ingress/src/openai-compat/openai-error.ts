import { HttpException } from '@nestjs/common';
import type { JobView } from '@switchyard/jobs';
import { RESERVATION_RETRY_AFTER_S } from '@switchyard/routing';
import type { ApiErrorBody } from '../http/api-error';
import { attemptsThatRan, switchyardInfo, type SwitchyardInfo } from './chat-completion-response';
import { toOpenAiParam, type OpenAiProblem } from './chat-completion-request';

/**
 * OpenAI's error body. `type` and `code` are what OpenAI's SDKs and the clients built on them
 * read; the HTTP status picks the SDK's error class (400 BadRequestError, 401 AuthenticationError,
 * 404 NotFoundError, 429 RateLimitError, 5xx InternalServerError).
 */
export interface OpenAiErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    switchyard?: Partial<SwitchyardInfo> & Record<string, unknown>;
  };
}

export interface OpenAiErrorResponse {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

/** An error a route of this module answers with, already in OpenAI's shape. */
export class OpenAiError extends HttpException {
  constructor(readonly answer: OpenAiErrorResponse) {
    super(answer.body, answer.status);
  }
}

/** OpenAI's `type` for a status: what the SDK and OpenAI's own API put there. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function answer(
  status: number,
  message: string,
  code: string | null,
  param: string | null = null,
  extra: Partial<Pick<OpenAiErrorBody['error'], 'switchyard'>> = {},
  headers: Record<string, string> = {},
): OpenAiErrorResponse {
  return {
    status,
    body: { error: { message, type: openAiErrorType(status), param, code, ...extra } },
    headers,
  };
}

/** 400 for the request mapper's refusals: `param` names the first field, the message all. */
export function invalidRequest(problems: readonly OpenAiProblem[]): OpenAiErrorResponse {
  const message = problems.map((p) => (p.param ? `${p.param}: ${p.message}` : p.message));
  return answer(400, message.join('; '), 'invalid_request', problems[0]?.param || null);
}

/** 404 model_not_found: the model names no task; the tasks there are, as OpenAI lists models. */
export function modelNotFound(model: string, tasks: readonly string[]): OpenAiErrorResponse {
  return answer(
    404,
    `The model "${model}" does not exist: models are the tasks of the routing table (${tasks.join(', ')})`,
    'model_not_found',
    'model',
  );
}

/**
 * The job API's error (thrown by the shared submission path, the auth guard, the body parser)
 * in OpenAI's shape: same status, the job API's type as `code`, the first field as `param`.
 */
export function fromApiError(
  status: number,
  body: ApiErrorBody,
  maxTokensParam?: string,
): OpenAiErrorResponse {
  const { type, message, details, ...extra } = body.error;
  const field = details?.[0]?.field;
  const param = field ? toOpenAiParam(field, maxTokensParam) : null;
  const retryAfter = typeof extra.retry_after_s === 'number' ? extra.retry_after_s : undefined;
  const rest = Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'retry_after_s'));
  return answer(
    status,
    renameFields(message, maxTokensParam),
    status === 401 ? 'invalid_api_key' : type,
    param,
    Object.keys(rest).length || details?.length
      ? { switchyard: { ...rest, ...(details?.length && { details }) } }
      : {},
    retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
  );
}

/** Job field names in a message, in the request's terms ("task" → "model" and so on). */
function renameFields(message: string, maxTokensParam?: string): string {
  return message.replace(/(^|; )([A-Za-z_][\w.[\]]*)(?=: )/g, (_m, sep: string, field: string) => {
    return `${sep}${toOpenAiParam(field, maxTokensParam)}`;
  });
}

/**
 * A job that ended without an answer: its last error decides the status. Deadline → 504 (also
 * when the job ended at or after its deadline whatever the last error: a call cut short by the
 * deadline reads as a timeout), budget → 429, open circuits → 503, a request no provider accepts
 * → 400, anything else (every candidate failed) → 502 with the last error and every attempt in
 * `switchyard`.
 */
export function fromFailedJob(view: JobView, deadlineAt?: number): OpenAiErrorResponse {
  const error = view.error ?? { type: 'job_failed', message: `the job ended ${view.status}` };
  const info = { ...switchyardInfo(view), error };
  const attempts = attemptsThatRan(view).length;
  const message = `${error.message} (job ${view.id}, ${attempts} attempt${attempts === 1 ? '' : 's'})`;
  if (view.status === 'cancelled') {
    return answer(409, `the job was cancelled (job ${view.id})`, 'job_cancelled', null, {
      switchyard: info,
    });
  }
  const pastDeadline =
    deadlineAt !== undefined &&
    view.finished_at !== undefined &&
    Date.parse(view.finished_at) >= deadlineAt;
  if (pastDeadline && error.type !== 'budget_exhausted') {
    return answer(504, `the job deadline passed: ${message}`, 'deadline_exceeded', null, {
      switchyard: info,
    });
  }
  switch (error.type) {
    case 'deadline_exceeded':
      return answer(504, message, 'deadline_exceeded', null, { switchyard: info });
    case 'budget_exhausted':
      // The planner admitted the job, so what stood in the way was spend of the moment:
      // a retry soon gets the planner's own answer (a wait until midnight when the day is spent).
      return answer(
        429,
        message,
        'budget_exhausted',
        null,
        { switchyard: info },
        {
          'retry-after': String(RESERVATION_RETRY_AFTER_S),
        },
      );
    case 'circuit_open':
      return answer(503, message, 'providers_unavailable', null, { switchyard: info });
    case 'bad_request':
    case 'context_length_exceeded':
    case 'content_filtered':
      return answer(400, message, error.type, null, { switchyard: info });
    default:
      return answer(502, `every candidate failed; last error: ${message}`, error.type, null, {
        switchyard: info,
      });
  }
}

/** The error event a stream ends with when an attempt fails after chunks were sent. */
export function streamCutError(
  jobId: string,
  attempt: { provider: string; model: string; error: { type: string; message: string } },
): OpenAiErrorBody {
  return {
    error: {
      message:
        `the answer was cut: ${attempt.provider}/${attempt.model} failed mid-stream ` +
        `(${attempt.error.type}: ${attempt.error.message}); the job carries on to a whole answer ` +
        `on the next candidate, readable at GET /v1/jobs/${jobId}`,
      type: 'server_error',
      param: null,
      code: 'stream_interrupted',
      switchyard: { job_id: jobId, provider: attempt.provider, model: attempt.model },
    },
  };
}
