import {
  closingChunks,
  completionHeaders,
  toChatCompletion,
  toChunkDelta,
} from './chat-completion-response';
import { succeededView } from './testing/job-view-fixtures';

describe('toChatCompletion', () => {
  it('is OpenAI’s chat.completion with the served revision as model and a switchyard summary', () => {
    expect(toChatCompletion(succeededView({ system_fingerprint: 'fp_1' }))).toEqual({
      id: 'job_1',
      object: 'chat.completion',
      created: 1767225610,
      model: 'claude-haiku-4-5-20251001',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'hello', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 3,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 4 },
      },
      system_fingerprint: 'fp_1',
      switchyard: {
        job_id: 'job_1',
        task: 'reasoning',
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        model_revision: 'claude-haiku-4-5-20251001',
        attempts: [
          {
            provider: 'openai',
            model: 'gpt-4o-mini',
            status: 'failed',
            error: { type: 'overloaded', message: '503' },
          },
          { provider: 'anthropic', model: 'claude-haiku-4-5', status: 'succeeded' },
        ],
        cost_usd: 0.0002,
        trace_id: 'abc',
      },
    });
  });

  it('carries tool calls with JSON-string arguments and null content, finish_reason tool_calls', () => {
    const completion = toChatCompletion(
      succeededView({
        text: '',
        finish_reason: 'tool_calls',
        tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      }),
    );
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
    });
  });

  it('reads Switchyard’s `other` finish as stop, and refuses a job without a result', () => {
    expect(
      toChatCompletion(succeededView({ finish_reason: 'other' })).choices[0].finish_reason,
    ).toBe('stop');
    expect(() =>
      toChatCompletion({ ...succeededView(), status: 'failed', result: undefined }),
    ).toThrow();
  });
});

describe('completionHeaders', () => {
  it('names the job, the serving route and the attempts that ran', () => {
    expect(completionHeaders(succeededView())).toEqual({
      'x-switchyard-job-id': 'job_1',
      'x-switchyard-provider': 'anthropic',
      'x-switchyard-model': 'claude-haiku-4-5',
      'x-switchyard-model-revision': 'claude-haiku-4-5-20251001',
      'x-switchyard-attempts': '2',
      'x-switchyard-cost-usd': '0.0002',
    });
  });
});

describe('chunks', () => {
  const identity = { id: 'job_1', created: 5, model: 'claude-haiku-4-5' };

  it('maps text and tool-call fragments to chunk deltas', () => {
    expect(toChunkDelta({ text: 'he' })).toEqual({ content: 'he' });
    expect(toChunkDelta({ tool_call: { index: 0, id: 'c1', name: 'f', arguments: '' } })).toEqual({
      tool_calls: [
        { index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '' } },
      ],
    });
    expect(toChunkDelta({ tool_call: { index: 1, arguments: '{"a"' } })).toEqual({
      tool_calls: [{ index: 1, function: { arguments: '{"a"' } }],
    });
  });

  it('closes with the finish reason, then the usage chunk with empty choices when asked', () => {
    const [finish, usage] = closingChunks(identity, succeededView(), true);
    expect(finish).toMatchObject({
      id: 'job_1',
      object: 'chat.completion.chunk',
      model: 'claude-haiku-4-5-20251001',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
      switchyard: { provider: 'anthropic' },
    });
    expect(usage).toEqual({
      id: 'job_1',
      object: 'chat.completion.chunk',
      created: 5,
      model: 'claude-haiku-4-5-20251001',
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 3,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 4 },
      },
    });
    expect(closingChunks(identity, succeededView(), false)).toHaveLength(1);
  });
});
