import { coalesceDeltas } from './attempt-events';

const ATTEMPT = { hop: 0, try: 0, provider: 'openai', model: 'gpt-4o-mini' };

describe('coalesceDeltas', () => {
  it('writes the text of every delta gathered as one delta event, in order', () => {
    expect(
      coalesceDeltas(
        [
          { type: 'text', text: 'echo: ' },
          { type: 'text', text: 'one ' },
          { type: 'text', text: 'two' },
        ],
        ATTEMPT,
      ),
    ).toEqual([{ event: 'delta', data: { text: 'echo: one two' } }]);
  });

  it('keeps text and tool-call fragments in order, one fragment per run of one call', () => {
    expect(
      coalesceDeltas(
        [
          { type: 'text', text: 'let me check' },
          { type: 'tool_call', index: 0, id: 'call_1', name: 'get_weather', arguments: '' },
          { type: 'tool_call', index: 0, arguments: '{"city":' },
          { type: 'tool_call', index: 0, arguments: '"Oslo"}' },
          { type: 'tool_call', index: 1, id: 'call_2', name: 'get_time', arguments: '{}' },
        ],
        ATTEMPT,
      ),
    ).toEqual([
      { event: 'delta', data: { text: 'let me check' } },
      {
        event: 'delta',
        data: {
          tool_call: { index: 0, id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        },
      },
      {
        event: 'delta',
        data: { tool_call: { index: 1, id: 'call_2', name: 'get_time', arguments: '{}' } },
      },
    ]);
  });

  it('names the serving revision as an attempt.revision event of the attempt, before its text', () => {
    expect(
      coalesceDeltas(
        [
          { type: 'model_revision', model_revision: 'gpt-4o-mini-2024-07-18' },
          { type: 'text', text: 'echo: ' },
          { type: 'text', text: 'hi' },
        ],
        ATTEMPT,
      ),
    ).toEqual([
      {
        event: 'attempt.revision',
        data: { ...ATTEMPT, model_revision: 'gpt-4o-mini-2024-07-18' },
      },
      { event: 'delta', data: { text: 'echo: hi' } },
    ]);
  });

  it('writes nothing when nothing was gathered', () => {
    expect(coalesceDeltas([], ATTEMPT)).toEqual([]);
  });
});
