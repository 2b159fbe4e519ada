import type { JobEventEntry, JobView } from '@switchyard/jobs';
import { ChatCompletionRelay, type RelayAction } from './chat-completion-stream';
import { succeededView } from './testing/job-view-fixtures';

let seq = 0;
const entry = (event: JobEventEntry['event'], data: unknown): JobEventEntry => ({
  id: `1-${seq++}`,
  event,
  data,
});
const started = (provider: string, model: string, hop = 0) =>
  entry('attempt.started', { hop, try: 0, provider, model });
const text = (t: string) => entry('delta', { text: t });
const revision = (provider: string, model: string, model_revision: string, hop = 0) =>
  entry('attempt.revision', { hop, try: 0, provider, model, model_revision });
const failed = (provider: string, model: string) =>
  entry('attempt.failed', {
    hop: 0,
    try: 0,
    provider,
    model,
    error: { type: 'network', message: 'cut' },
  });

const kinds = (actions: RelayAction[]) => actions.map((a) => a.kind);
const relay = () => new ChatCompletionRelay('job_1', 5, true, '00-abc-def-01');

describe('ChatCompletionRelay', () => {
  it('names the served revision in the headers and the chunks once the attempt streamed it', () => {
    const r = relay();
    r.onEvent(started('openai', 'gpt-4o-mini'));
    r.onEvent(failed('openai', 'gpt-4o-mini'));
    r.onEvent(started('anthropic', 'claude-haiku-4-5', 1));
    // A revision named by an attempt that is no longer the running one says nothing.
    expect(r.onEvent(revision('openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'))).toEqual([]);
    expect(
      r.onEvent(revision('anthropic', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001', 1)),
    ).toEqual([]);
    const [headers, first] = r.onEvent(text('he'));
    expect(headers).toEqual({
      kind: 'headers',
      headers: expect.objectContaining({
        'x-switchyard-provider': 'anthropic',
        'x-switchyard-model': 'claude-haiku-4-5',
        'x-switchyard-model-revision': 'claude-haiku-4-5-20251001',
      }),
    });
    expect(first).toEqual({
      kind: 'chunk',
      chunk: expect.objectContaining({ model: 'claude-haiku-4-5-20251001' }),
    });
  });

  it('holds the headers until the first delta, then names the attempt whose chunks follow', () => {
    const r = relay();
    expect(r.onEvent(started('openai', 'gpt-4o-mini'))).toEqual([]);
    expect(r.onEvent(failed('openai', 'gpt-4o-mini'))).toEqual([]); // invisible: nothing sent yet
    expect(r.onEvent(started('anthropic', 'claude-haiku-4-5', 1))).toEqual([]);
    const first = r.onEvent(text('he'));
    expect(first).toEqual([
      {
        kind: 'headers',
        headers: {
          'x-switchyard-job-id': 'job_1',
          traceparent: '00-abc-def-01',
          'x-switchyard-provider': 'anthropic',
          'x-switchyard-model': 'claude-haiku-4-5',
          'x-switchyard-attempts': '2',
        },
      },
      {
        kind: 'chunk',
        chunk: {
          id: 'job_1',
          object: 'chat.completion.chunk',
          created: 5,
          model: 'claude-haiku-4-5',
          choices: [
            {
              index: 0,
              delta: { role: 'assistant', content: 'he' },
              logprobs: null,
              finish_reason: null,
            },
          ],
        },
      },
    ]);
    const second = r.onEvent(text('llo'));
    expect(second).toEqual([
      {
        kind: 'chunk',
        chunk: expect.objectContaining({
          choices: [expect.objectContaining({ delta: { content: 'llo' } })],
        }),
      },
    ]);
    const end = r.finish(succeededView());
    expect(kinds(end)).toEqual(['done']);
    const done = end[0] as Extract<RelayAction, { kind: 'done' }>;
    expect(done.chunks.map((c) => [c.choices[0]?.finish_reason ?? null, c.usage ?? null])).toEqual([
      ['stop', null],
      [
        null,
        {
          prompt_tokens: 10,
          completion_tokens: 3,
          total_tokens: 13,
          prompt_tokens_details: { cached_tokens: 4 },
        },
      ],
    ]);
    expect(r.ended).toBe(true);
  });

  it('an attempt failing after chunks were sent cuts the stream with an error and no [DONE]', () => {
    const r = relay();
    r.onEvent(started('openai', 'gpt-4o-mini'));
    r.onEvent(text('one two'));
    const cut = r.onEvent(failed('openai', 'gpt-4o-mini'));
    expect(cut).toEqual([
      {
        kind: 'cut',
        error: {
          error: expect.objectContaining({
            type: 'server_error',
            code: 'stream_interrupted',
            param: null,
          }),
        },
      },
    ]);
    // The job's later events (the fallback's answer) are not relayed on this connection.
    expect(r.onEvent(started('anthropic', 'claude-haiku-4-5', 1))).toEqual([]);
    expect(r.onEvent(text('x'))).toEqual([]);
    expect(r.finish(succeededView())).toEqual([]);
  });

  it('idle before any delta sends the headers of the running attempt (keep-alives may follow)', () => {
    const r = relay();
    r.onEvent(started('openai', 'gpt-4o-mini'));
    expect(r.onIdle()).toEqual([
      {
        kind: 'headers',
        headers: expect.objectContaining({
          'x-switchyard-provider': 'openai',
          'x-switchyard-attempts': '1',
        }),
      },
    ]);
    expect(r.onIdle()).toEqual([]);
    expect(kinds(r.onEvent(text('hi')))).toEqual(['chunk']);
  });

  it('a job that fails before any chunk answers a plain error (status and headers intact)', () => {
    const r = relay();
    r.onEvent(started('openai', 'gpt-4o-mini'));
    r.onEvent(failed('openai', 'gpt-4o-mini'));
    const view: JobView = {
      ...succeededView(),
      status: 'failed',
      result: undefined,
      error: { type: 'deadline_exceeded', message: 'late' },
    };
    const [fail] = r.finish(view);
    expect(fail).toMatchObject({
      kind: 'fail',
      status: 504,
      headers: { 'x-switchyard-job-id': 'job_1' },
      error: { error: { code: 'deadline_exceeded' } },
    });
    // Once the headers went out, the same failure is an error event instead.
    const late = relay();
    late.onIdle();
    expect(kinds(late.finish(view))).toEqual(['cut']);
  });

  it('an answer that streamed no delta still opens with the role and its whole content', () => {
    const r = relay();
    const actions = r.finish(
      succeededView({
        text: '',
        finish_reason: 'tool_calls',
        tool_calls: [{ id: 'c1', name: 'f', arguments: { a: 1 } }],
      }),
    );
    expect(kinds(actions)).toEqual(['headers', 'chunk', 'done']);
    expect((actions[1] as Extract<RelayAction, { kind: 'chunk' }>).chunk.choices[0].delta).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [
        { index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
      ],
    });
  });
});
