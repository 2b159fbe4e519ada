import { chooseToolCall } from './tool-call-choice';
import type { SimRequest } from './wire/wire-format';

const tools = [
  { name: 'get_weather', schema: { type: 'object' } },
  { name: 'get_time', schema: { type: 'object' } },
];
const request = (lastUserText: string, extra: Partial<SimRequest> = {}): SimRequest => ({
  model: 'm',
  lastUserText,
  inputChars: 0,
  imageCount: 0,
  tools,
  ...extra,
});

describe('chooseToolCall', () => {
  it('calls the tool the last user message names, under auto', () => {
    expect(chooseToolCall(request('please call get_time now'))?.name).toBe('get_time');
    expect(chooseToolCall(request('What time is it? Please call get_time.'))?.name).toBe(
      'get_time',
    );
    expect(chooseToolCall(request('what time is it?'))).toBeUndefined();
    expect(chooseToolCall(request('call unknown_tool'))).toBeUndefined();
  });

  it('answers in text once tool results come back, unless the choice forces a call', () => {
    expect(chooseToolCall(request('call get_time', { toolResultText: '14:05' }))).toBeUndefined();
    expect(
      chooseToolCall(request('x', { toolResultText: '14:05', toolChoice: { name: 'get_weather' } }))
        ?.name,
    ).toBe('get_weather');
  });

  it('follows tool_choice: a named tool, required (the named or the first), none', () => {
    expect(chooseToolCall(request('hi', { toolChoice: { name: 'get_time' } }))?.name).toBe(
      'get_time',
    );
    expect(chooseToolCall(request('hi', { toolChoice: 'required' }))?.name).toBe('get_weather');
    expect(chooseToolCall(request('call get_time', { toolChoice: 'required' }))?.name).toBe(
      'get_time',
    );
    expect(chooseToolCall(request('call get_time', { toolChoice: 'none' }))).toBeUndefined();
    expect(chooseToolCall(request('call get_time', { tools: [] }))).toBeUndefined();
  });
});
