import type { JobView } from '@switchyard/jobs';
import {
  fromApiError,
  fromFailedJob,
  invalidRequest,
  modelNotFound,
  openAiErrorType,
} from './openai-error';

function failedView(
  error: { type: string; message: string },
  status: JobView['status'] = 'failed',
): JobView {
  return {
    id: 'job_9',
    status,
    task: 'reasoning',
    plan: [],
    attempts: [
      {
        hop: 0,
        try: 0,
        provider: 'openai',
        model: 'gpt-4o-mini',
        status: 'failed',
        error,
        started_at: '',
      },
    ],
    error,
    cost_usd: 0,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

describe('OpenAI error mapping', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [404, 'not_found_error'],
    [409, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [502, 'server_error'],
    [503, 'server_error'],
  ])('status %s has type %s', (status, type) => {
    expect(openAiErrorType(status)).toBe(type);
  });

  it('validation problems: 400 naming the first param, every problem in the message', () => {
    expect(
      invalidRequest([
        { param: 'n', message: 'only n = 1' },
        { param: 'seed', message: 'no seed' },
      ]),
    ).toEqual({
      status: 400,
      headers: {},
      body: {
        error: {
          message: 'n: only n = 1; seed: no seed',
          type: 'invalid_request_error',
          param: 'n',
          code: 'invalid_request',
        },
      },
    });
  });

  it('unknown model: 404 model_not_found listing the tasks', () => {
    const { status, body } = modelNotFound('gpt-4o', ['chat', 'extraction']);
    expect(status).toBe(404);
    expect(body.error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
      type: 'not_found_error',
    });
    expect(body.error.message).toContain('(chat, extraction)');
  });

  it('job API errors keep their status; the type becomes code, the field the param, retry_after_s the Retry-After', () => {
    const budget = fromApiError(429, {
      error: {
        type: 'budget_exhausted',
        message: 'the daily budget of task "chat" is spent',
        details: [],
        task: 'chat',
        retry_after_s: 3600,
      },
    });
    expect(budget).toEqual({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: {
        error: {
          message: 'the daily budget of task "chat" is spent',
          type: 'rate_limit_error',
          param: null,
          code: 'budget_exhausted',
          switchyard: { task: 'chat' },
        },
      },
    });
    const field = fromApiError(
      400,
      {
        error: {
          type: 'invalid_request',
          message: 'max_tokens: must not be less than 1; tools[0].name: bad',
          details: [
            { field: 'max_tokens', problem: 'must not be less than 1' },
            { field: 'tools[0].name', problem: 'bad' },
          ],
        },
      },
      'max_completion_tokens',
    );
    expect(field.body.error).toMatchObject({
      param: 'max_completion_tokens',
      message: 'max_completion_tokens: must not be less than 1; tools[0].function.name: bad',
    });
    expect(
      fromApiError(401, {
        error: { type: 'unauthorized', message: 'invalid API key', details: [] },
      }).body.error,
    ).toEqual({
      message: 'invalid API key',
      type: 'authentication_error',
      param: null,
      code: 'invalid_api_key',
    });
    expect(
      fromApiError(503, { error: { type: 'providers_unavailable', message: 'open', details: [] } })
        .status,
    ).toBe(503);
  });

  it.each([
    ['deadline_exceeded', 504, 'deadline_exceeded'],
    ['budget_exhausted', 429, 'budget_exhausted'],
    ['circuit_open', 503, 'providers_unavailable'],
    ['bad_request', 400, 'bad_request'],
    ['content_filtered', 400, 'content_filtered'],
    ['server_error', 502, 'server_error'],
    ['timeout', 502, 'timeout'],
  ])('a job failed with %s answers %s (%s)', (type, status, code) => {
    const failure = fromFailedJob(failedView({ type, message: 'boom' }));
    expect(failure.status).toBe(status);
    expect(failure.body.error.code).toBe(code);
    expect(failure.body.error.switchyard).toMatchObject({
      job_id: 'job_9',
      error: { type, message: 'boom' },
      attempts: [{ provider: 'openai', status: 'failed', error: { type } }],
    });
  });

  it('a job that ended at or after its deadline is 504 whatever its last error', () => {
    const view = {
      ...failedView({ type: 'timeout', message: 'cut at the deadline' }),
      finished_at: '2026-01-01T00:00:01.000Z',
    };
    const deadline = Date.parse('2026-01-01T00:00:01.000Z');
    expect(fromFailedJob(view, deadline).status).toBe(504);
    expect(fromFailedJob(view, deadline).body.error.code).toBe('deadline_exceeded');
    expect(fromFailedJob(view, deadline + 1).status).toBe(502);
    expect(fromFailedJob(view).status).toBe(502);
  });

  it('a 429 from a failed job says when to retry; a cancelled job is 409', () => {
    expect(fromFailedJob(failedView({ type: 'budget_exhausted', message: 'x' })).headers).toEqual({
      'retry-after': expect.stringMatching(/^\d+$/),
    });
    expect(fromFailedJob(failedView({ type: 'cancelled', message: 'x' }, 'cancelled')).status).toBe(
      409,
    );
  });
});
