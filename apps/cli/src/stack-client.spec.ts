import { parseCommandLine, UsageError } from './stack-client';

function capture() {
  const text: string[] = [];
  return { text, write: (s: string) => text.push(s) };
}

describe('parseCommandLine', () => {
  it('hands back the parsed arguments and prints nothing', () => {
    const out = capture();
    const err = capture();
    expect(parseCommandLine(() => ({ task: 'extraction' }), 'usage: x', out, err)).toEqual({
      task: 'extraction',
    });
    expect([...out.text, ...err.text]).toEqual([]);
  });

  it('--help: the usage on stdout, exit code 0', () => {
    const out = capture();
    const err = capture();
    expect(parseCommandLine(() => 'help' as const, 'usage: x', out, err)).toBe(0);
    expect(out.text).toEqual(['usage: x\n']);
    expect(err.text).toEqual([]);
  });

  it('a usage error: the message and the usage on stderr, exit code 2', () => {
    const out = capture();
    const err = capture();
    const parse = () => {
      throw new UsageError('--task is required');
    };
    expect(parseCommandLine(parse, 'usage: x', out, err)).toBe(2);
    expect(err.text).toEqual(['--task is required\nusage: x\n']);
    expect(out.text).toEqual([]);
  });

  it('any other error is not a usage problem: it propagates', () => {
    const parse = () => {
      throw new TypeError('bug');
    };
    expect(() => parseCommandLine(parse, 'usage: x', capture(), capture())).toThrow(TypeError);
  });
});
