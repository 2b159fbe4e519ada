import { circuitKeysOf, circuitKeysOfAll, modelId } from './circuit-keys';

describe('circuit keys', () => {
  it("names a candidate's model as provider/model, also when the model name has a slash", () => {
    expect(modelId({ provider: 'openai', model: 'gpt-4o-mini' })).toBe('openai/gpt-4o-mini');
    expect(modelId({ provider: 'together', model: 'meta/llama' })).toBe('together/meta/llama');
  });

  it("puts a candidate behind its provider's circuit and its model's", () => {
    expect(circuitKeysOf({ provider: 'a', model: 'one' })).toEqual(['a', 'a/one']);
  });

  it('lists the circuits of several candidates once each, in order', () => {
    expect(
      circuitKeysOfAll([
        { provider: 'a', model: 'one' },
        { provider: 'a', model: 'two' },
        { provider: 'b', model: 'one' },
      ]),
    ).toEqual(['a', 'a/one', 'a/two', 'b', 'b/one']);
  });
});
