import { classifyTransportError } from './transport-errors';

function withCause(message: string, cause: unknown, name = 'TypeError'): Error {
  const err = new Error(message, { cause });
  err.name = name;
  return err;
}

function coded(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyTransportError', () => {
  it.each(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EPIPE', 'UND_ERR_SOCKET'])(
    '%s anywhere in the chain is network',
    (code) => {
      expect(classifyTransportError(withCause('fetch failed', coded(code)))).toBe('network');
    },
  );

  it('socket hang up is network', () => {
    expect(classifyTransportError(new Error('socket hang up'))).toBe('network');
  });

  it.each([
    [
      'an AbortError',
      Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }),
    ],
    ['a TimeoutError', Object.assign(new Error('signal timed out'), { name: 'TimeoutError' })],
    [
      'a connect timeout under fetch failed',
      withCause('fetch failed', coded('UND_ERR_CONNECT_TIMEOUT')),
    ],
    ['ETIMEDOUT', coded('ETIMEDOUT')],
  ])('%s is a timeout', (_label, err) => {
    expect(classifyTransportError(err)).toBe('timeout');
  });

  it('anything else is not a transport failure', () => {
    expect(
      classifyTransportError(new SyntaxError('Unterminated string in JSON at position 75')),
    ).toBeUndefined();
    expect(classifyTransportError('a string')).toBeUndefined();
    expect(classifyTransportError(new Error('400 bad request'))).toBeUndefined();
  });
});
