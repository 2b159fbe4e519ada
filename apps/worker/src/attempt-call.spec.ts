import type { JobRecord } from '@switchyard/jobs';
import type { ModelConfig, ProviderConfig } from '@switchyard/routing';
import { callRecord, callKey, jobResultOf } from './attempt-records';
import { completionRequest } from './attempt-call';

const job = {
  id: 'job_1',
  tenant: 'acme',
  task: 'extract',
  request: {
    messages: [{ role: 'user', content: 'hi' }],
    response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } },
    temperature: 0.2,
  },
  plan: {
    candidates: [
      { provider: 'openai', model: 'gpt-4o-mini', estimated_cost_usd: 0.01, max_tokens: 300 },
    ],
    estimated_input_tokens: 2,
    max_tokens: 500,
    rule: 'big',
    split: null,
  },
  trace_id: 'trace-from-submission',
} as unknown as JobRecord;
const model = { id: 'openai/gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini' } as ModelConfig;
const provider = {
  name: 'openai',
  kind: 'openai',
  timeout_ms: 20_000,
  first_token_timeout_ms: 15_000,
  stream_idle_timeout_ms: 30_000,
} as ProviderConfig;
const data = {
  job_id: 'job_1',
  hop: 1,
  candidate: 0,
  provider: 'openai',
  model: 'gpt-4o-mini',
  fallback_reason: 'timeout',
};
const task = { name: 'extract', ledger: { store_prompts: true, store_responses: true } } as never;
const result = {
  text: '{"a":1}',
  json: { a: 1 },
  model_revision: 'gpt-4o-mini-2024-07-18',
  finish_reason: 'stop',
  usage: { input_tokens: 2, output_tokens: 5 },
  request_id: 'req_1',
} as never;

describe('completionRequest', () => {
  const signal = new AbortController().signal;
  const onDelta = () => undefined;

  it("sends the candidate's max_tokens, the attempt's call key and the smaller of timeout and time left", () => {
    const request = completionRequest({
      data,
      job,
      model,
      provider,
      tryNumber: 2,
      remainingMs: 5_000,
      onDelta,
      signal,
    });
    expect(request).toMatchObject({
      model: 'gpt-4o-mini',
      call_key: 'job_1:h1:t2',
      max_tokens: 300,
      temperature: 0.2,
      timeout_ms: 5_000,
      first_token_timeout_ms: 15_000,
      stream_idle_timeout_ms: 30_000,
    });
    expect(request.signal).toBe(signal);
    expect(
      completionRequest({
        data: { ...data, candidate: 5 },
        job,
        model,
        provider,
        tryNumber: 0,
        remainingMs: 60_000,
        onDelta,
        signal,
      }),
    ).toMatchObject({ max_tokens: 500, timeout_ms: 20_000 });
    expect(
      completionRequest({
        data,
        job,
        model,
        provider,
        tryNumber: 0,
        remainingMs: -3,
        onDelta,
        signal,
      }).timeout_ms,
    ).toBe(1);
  });
});

describe('call records', () => {
  const call = {
    data,
    job,
    task,
    provider,
    model,
    tryNumber: 2,
    startedAt: new Date('2026-12-02T05:00:00Z'),
    finishedAt: new Date('2026-12-02T05:00:01Z'),
    latencyMs: 812.4,
  };

  it('keys an attempt by job, hop and try', () => {
    expect(callKey('job_9', 0, 3)).toBe('job_9:h0:t3');
  });

  it("records a success with the answer, its usage, a valid schema and the job's routing", () => {
    expect(
      callRecord({ ...call, ttftMs: 120.6, traceId: 'trace-now' }, { result, cost: 0.0001 }),
    ).toMatchObject({
      job_id: 'job_1',
      call_key: 'job_1:h1:t2',
      tenant: 'acme',
      attempt: 2,
      model_revision: 'gpt-4o-mini-2024-07-18',
      provider_request_id: 'req_1',
      response: '{"a":1}',
      error_type: null,
      latency_ms: 812,
      ttft_ms: 121,
      input_tokens: 2,
      output_tokens: 5,
      usage_estimated: false,
      schema_valid: true,
      fallback_reason: 'timeout',
      trace_id: 'trace-now',
      rule: 'big',
      split: null,
    });
  });

  it('records a failure with what it streamed and billed; only invalid output fails the schema', () => {
    const partial = {
      text: '{"a"',
      usage: { input_tokens: 2, output_tokens: 1 },
      usage_estimated: true,
    };
    const invalid = { type: 'invalid_output', message: 'bad', partial } as never;
    expect(callRecord(call, { error: invalid, cost: 0.00002 })).toMatchObject({
      response: '{"a"',
      error_type: 'invalid_output',
      error_message: 'bad',
      ttft_ms: null,
      input_tokens: 2,
      output_tokens: 1,
      usage_estimated: true,
      schema_valid: false,
      cost_usd: 0.00002,
      trace_id: 'trace-from-submission',
    });
    const timeout = { type: 'timeout', message: 'slow', requestId: 'req_2' } as never;
    expect(callRecord(call, { error: timeout, cost: 0 })).toMatchObject({
      response: null,
      provider_request_id: 'req_2',
      input_tokens: null,
      schema_valid: null,
    });
  });

  it("gives the job the answer with the provider's names, whole-ms latency and its cost", () => {
    expect(jobResultOf(provider, model, result, 0.0001, 812.6)).toEqual({
      text: '{"a":1}',
      json: { a: 1 },
      tool_calls: undefined,
      provider: 'openai',
      model: 'gpt-4o-mini',
      model_revision: 'gpt-4o-mini-2024-07-18',
      finish_reason: 'stop',
      usage: { input_tokens: 2, output_tokens: 5 },
      cost_usd: 0.0001,
      latency_ms: 813,
    });
  });
});
