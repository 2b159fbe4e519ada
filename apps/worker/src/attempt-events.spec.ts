import { coalesceDeltas } from './attempt-events';

describe('coalesceDeltas', () => {
  it('writes the text of every delta gathered as one delta event, in order', () => {
    expect(
      coalesceDeltas([
        { type: 'text', text: 'echo: ' },
        { type: 'text', text: 'one ' },
        { type: 'text', text: 'two' },
      ]),
    ).toEqual([{ event: 'delta', data: { text: 'echo: one two' } }]);
  });

  it('keeps text and tool-call fragments in order, one fragment per run of one call', () => {
    expect(
      coalesceDeltas([
        { type: 'text', text: 'let me check' },
        { type: 'tool_call', index: 0, id: 'call_1', name: 'get_weather', arguments: '' },
        { type: 'tool_call', index: 0, arguments: '{"city":' },
        { type: 'tool_call', index: 0, arguments: '"Oslo"}' },
        { type: 'tool_call', index: 1, id: 'call_2', name: 'get_time', arguments: '{}' },
      ]),
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

  it('writes nothing when nothing was gathered', () => {
    expect(coalesceDeltas([])).toEqual([]);
  });
});
