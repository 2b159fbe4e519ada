import { WEATHER_TOOL } from '../testing/provider-test-kit';
import { checkToolCalls, groupToolResults, stableToolCallId } from './tool-calls';

describe('checkToolCalls', () => {
  const check = (args: unknown, name = 'get_weather') =>
    checkToolCalls([{ id: 'call_1', name, arguments: args }], [WEATHER_TOOL], 'openai');

  it('parses JSON text arguments and keeps object ones', () => {
    expect(check('{"city":"Oslo","unit":"C"}')).toEqual([
      { id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo', unit: 'C' } },
    ]);
    expect(check({ city: 'Oslo', unit: 'F' })[0].arguments).toEqual({ city: 'Oslo', unit: 'F' });
  });

  it.each([
    ['text that is not JSON', '{"city": "Os', /not valid JSON/],
    ['JSON that is not an object', '["Oslo"]', /not a JSON object/],
    ['arguments that break the schema', '{"city":"Oslo"}', /do not match the tool's parameters/],
  ])('invalid_output for %s', (_what, args, message) => {
    expect(() => check(args)).toThrow(
      expect.objectContaining({ type: 'invalid_output', message: expect.stringMatching(message) }),
    );
  });

  it('invalid_output for a call of a tool that was not offered', () => {
    expect(() => check('{}', 'rm_rf')).toThrow(
      expect.objectContaining({
        type: 'invalid_output',
        message: expect.stringMatching(/not offered/),
      }),
    );
  });
});

describe('stableToolCallId', () => {
  it('is the same for the same key and position, and differs otherwise', () => {
    expect(stableToolCallId('job_1:h0:t0', 0)).toBe(stableToolCallId('job_1:h0:t0', 0));
    expect(stableToolCallId('job_1:h0:t0', 0)).not.toBe(stableToolCallId('job_1:h0:t0', 1));
    expect(stableToolCallId('job_1:h0:t0', 0)).toMatch(/^call_[0-9a-f]{24}$/);
  });
});

describe('groupToolResults', () => {
  it('groups consecutive tool messages and leaves every other message alone', () => {
    const groups = groupToolResults([
      { role: 'user', content: 'a' },
      { role: 'tool', tool_call_id: '1', content: 'x' },
      { role: 'tool', tool_call_id: '2', content: 'y' },
      { role: 'user', content: 'b' },
    ]);
    expect(groups.map((g) => g.length)).toEqual([1, 2, 1]);
  });
});
