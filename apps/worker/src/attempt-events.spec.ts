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

  it('writes nothing when nothing was gathered', () => {
    expect(coalesceDeltas([])).toEqual([]);
  });
});
