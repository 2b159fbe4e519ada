import { closestMatch, didYouMean, editDistance } from './did-you-mean';

describe('did-you-mean', () => {
  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests a close name and nothing for a distant one', () => {
    const models = ['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'];
    expect(closestMatch('openai/gpt-4o-mni', models)).toBe('openai/gpt-4o-mini');
    expect(closestMatch('mistral/large', models)).toBeUndefined();
    expect(didYouMean('fallback', ['fallbacks', 'primary'])).toBe(' (did you mean "fallbacks"?)');
    expect(didYouMean('zzz', ['fallbacks'])).toBe('');
  });
});
