import type { CompletionDelta } from '../provider.types';
import { StreamAssembly } from './stream-assembly';

function assembly() {
  const deltas: CompletionDelta[] = [];
  return { deltas, into: new StreamAssembly((d) => deltas.push(d)) };
}

describe('StreamAssembly', () => {
  it('emits the serving revision once, then every non-empty piece, and reads the whole answer once the wire ended', () => {
    const { deltas, into } = assembly();
    into.reportedModel = 'gpt-4o-mini-2024-07-18';
    into.requestId = 'req_1';
    into.text('');
    into.text('echo: ');
    into.text('hello');
    into.finish('stop');
    into.usage({ input: 3, output: 2 });
    expect(into.complete).toBe(false);
    into.end();
    expect(into.complete).toBe(true);
    expect(deltas).toEqual([
      { type: 'model_revision', model_revision: 'gpt-4o-mini-2024-07-18' },
      { type: 'text', text: 'echo: ' },
      { type: 'text', text: 'hello' },
    ]);
    expect(into.reading(99)).toEqual({
      text: 'echo: hello',
      toolCalls: [],
      finishReason: 'stop',
      usage: { input_tokens: 3, output_tokens: 2 },
      usageEstimated: false,
      reportedModel: 'gpt-4o-mini-2024-07-18',
      requestId: 'req_1',
      systemFingerprint: undefined,
    });
  });

  it('assembles tool calls from their fragments, in index order, and emits every fragment', () => {
    const { deltas, into } = assembly();
    into.toolCall(1, { id: 'call_b', name: 'get_time', argumentsObject: { tz: 'UTC' } });
    into.toolCall(0, { id: 'call_a', name: 'get_weather', arguments: '' });
    into.toolCall(0, { arguments: '{"city":' });
    into.toolCall(0, { arguments: '"Oslo"}' });
    into.finish('tool_calls');
    into.end();
    expect(into.toolCallCount).toBe(2);
    expect(into.reading(99).toolCalls).toEqual([
      { id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_b', name: 'get_time', arguments: { tz: 'UTC' } },
    ]);
    expect(deltas).toEqual([
      { type: 'tool_call', index: 1, id: 'call_b', name: 'get_time', arguments: '{"tz":"UTC"}' },
      { type: 'tool_call', index: 0, id: 'call_a', name: 'get_weather', arguments: '' },
      { type: 'tool_call', index: 0, id: undefined, name: undefined, arguments: '{"city":' },
      { type: 'tool_call', index: 0, id: undefined, name: undefined, arguments: '"Oslo"}' },
    ]);
  });

  it('has no partial output before the first piece', () => {
    const { into } = assembly();
    into.usage({ input: 10, output: 1 });
    expect(into.sawOutput).toBe(false);
    expect(into.partial(99)).toBeUndefined();
  });

  it('estimates the usage of a cut stream that reported none, and says so', () => {
    const { into } = assembly();
    into.text('twelve chars');
    into.text('!');
    expect(into.partial(40)).toEqual({
      text: 'twelve chars!',
      usage: { input_tokens: 40, output_tokens: 4 },
      usage_estimated: true,
    });
  });

  it('keeps reported input and estimates output reported before the last piece', () => {
    const { into } = assembly();
    into.usage({ input: 7, output: 1 }); // Anthropic's message_start
    into.text('abcdefgh');
    expect(into.partial(40)).toEqual({
      text: 'abcdefgh',
      usage: { input_tokens: 7, output_tokens: 2 },
      usage_estimated: true,
    });
  });

  it('takes usage reported after the last piece as the provider reported it', () => {
    const { into } = assembly();
    into.text('abcdefgh');
    into.usage({ input: 7, output: 5 }); // Gemini reports usage with every chunk
    expect(into.partial(40)).toEqual({
      text: 'abcdefgh',
      usage: { input_tokens: 7, output_tokens: 5 },
      usage_estimated: false,
    });
  });
});
