import { interpolateEnv } from './env-interpolation';

describe('interpolateEnv', () => {
  it('replaces references inside strings and keeps everything else', () => {
    const result = interpolateEnv(
      { a: 'https://${HOST}/v1', b: 3, c: [true, '${NAME:-fallback}'], d: null },
      { HOST: 'example.com' },
    );
    expect(result.value).toEqual({
      a: 'https://example.com/v1',
      b: 3,
      c: [true, 'fallback'],
      d: null,
    });
    expect(result.issues).toEqual([]);
    expect([...result.fromEnv].sort()).toEqual(['a', 'c[1]']);
  });

  it('uses the default when the variable is empty, as the shell does', () => {
    expect(interpolateEnv('${X:-7}', { X: '' }).value).toBe(7);
  });

  it('types a value that is exactly one reference, and leaves mixed text a string', () => {
    const env = { N: '12', F: '0.5', B: 'false', S: 'abc' };
    const { value } = interpolateEnv(
      { n: '${N}', f: '${F}', b: '${B}', s: '${S}', mixed: 'v${N}' },
      env,
    );
    expect(value).toEqual({ n: 12, f: 0.5, b: false, s: 'abc', mixed: 'v12' });
  });

  it('reports an unset variable without a default at its path and leaves the field empty', () => {
    const result = interpolateEnv({ tasks: { chat: { primary: '${MODEL}' } } }, {});
    expect(result.issues).toEqual([
      {
        path: 'tasks.chat.primary',
        message: expect.stringContaining('environment variable MODEL is not set'),
      },
    ]);
    expect(result.value).toEqual({ tasks: { chat: { primary: undefined } } });
  });

  it('quotes keys that are not plain identifiers in paths', () => {
    const result = interpolateEnv({ models: { 'openai/gpt-4.1': { price: '${P}' } } }, {});
    expect(result.issues[0].path).toBe('models["openai/gpt-4.1"].price');
  });
});
