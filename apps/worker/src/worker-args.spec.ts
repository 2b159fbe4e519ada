import { providersFromArgs } from './worker-args';

describe('providersFromArgs', () => {
  it('reads --provider, --provider=, comma lists, and falls back to SWITCHYARD_PROVIDER', () => {
    expect(providersFromArgs(['--provider', 'openai'], [])).toEqual(['openai']);
    expect(providersFromArgs(['--provider=openai,groq', '--provider', 'groq'], [])).toEqual([
      'openai',
      'groq',
    ]);
    expect(providersFromArgs([], ['anthropic'])).toEqual(['anthropic']);
    expect(providersFromArgs(['--provider', 'google'], ['anthropic'])).toEqual(['google']);
    expect(providersFromArgs([], [])).toEqual([]);
  });
});
