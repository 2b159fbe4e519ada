import { providersFromArgs } from './worker-args';

describe('providersFromArgs', () => {
  it('reads --provider, --provider=, comma lists, and falls back to SWITCHYARD_PROVIDER', () => {
    expect(providersFromArgs(['--provider', 'openai'], {})).toEqual(['openai']);
    expect(providersFromArgs(['--provider=openai,groq', '--provider', 'groq'], {})).toEqual([
      'openai',
      'groq',
    ]);
    expect(providersFromArgs([], { SWITCHYARD_PROVIDER: 'anthropic' })).toEqual(['anthropic']);
    expect(
      providersFromArgs(['--provider', 'google'], { SWITCHYARD_PROVIDER: 'anthropic' }),
    ).toEqual(['google']);
    expect(providersFromArgs([], {})).toEqual([]);
  });
});
