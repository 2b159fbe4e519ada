import type { ChatMessage, ToolDefinition } from '@switchyard/providers';
import { toolConversationProblems } from './tool-conversation';

const weather: ToolDefinition = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const call = { id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } };
const turn: ChatMessage[] = [
  { role: 'user', content: 'weather in Oslo?' },
  { role: 'assistant', content: '', tool_calls: [call] },
  { role: 'tool', tool_call_id: 'call_1', content: '4 C' },
];
const fields = (problems: Array<{ field: string }>) => problems.map((p) => p.field);

describe('toolConversationProblems', () => {
  it('accepts a conversation whose tool results answer the calls before them', () => {
    expect(toolConversationProblems({ messages: turn, tools: [weather] })).toEqual([]);
    expect(
      toolConversationProblems({
        messages: [{ role: 'user', content: 'hi' }],
        tools: [weather],
        tool_choice: { name: 'get_weather' },
      }),
    ).toEqual([]);
  });

  it('names duplicate tool names, non-object and invalid parameter schemas', () => {
    const problems = toolConversationProblems({
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        weather,
        { ...weather },
        { name: 'a', parameters: { type: 'string' } },
        { name: 'b', parameters: { type: 'object', properties: { x: { type: 'nope' } } } },
      ],
    });
    expect(problems).toEqual([
      { field: 'tools[1].name', problem: 'duplicate tool name "get_weather"' },
      { field: 'tools[2].parameters', problem: expect.stringMatching(/object schema/) },
      {
        field: 'tools[3].parameters.properties.x.type',
        problem: expect.stringMatching(/allowed values/),
      },
    ]);
  });

  it('names a tool_choice without tools or naming an unknown tool', () => {
    const hi: ChatMessage[] = [{ role: 'user', content: 'hi' }];
    expect(fields(toolConversationProblems({ messages: hi, tool_choice: 'required' }))).toEqual([
      'tool_choice',
    ]);
    expect(
      toolConversationProblems({ messages: hi, tools: [weather], tool_choice: { name: 'nope' } }),
    ).toEqual([{ field: 'tool_choice.name', problem: 'names no tool in tools ("nope")' }]);
  });

  it('names a tool message whose tool_call_id matches no earlier call, and calls left unanswered', () => {
    const problems = toolConversationProblems({
      tools: [weather],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: '', tool_calls: [call, { ...call, id: 'call_2' }] },
        { role: 'tool', tool_call_id: 'call_9', content: '4 C' },
      ],
    });
    expect(problems).toEqual([
      {
        field: 'messages[2].tool_call_id',
        problem: 'matches no tool call of an earlier assistant message ("call_9")',
      },
      { field: 'messages[1].tool_calls[0].id', problem: 'has no tool message answering it' },
      { field: 'messages[1].tool_calls[1].id', problem: 'has no tool message answering it' },
    ]);
  });

  it('names tool calls outside assistant messages, tool_call_id outside tool messages, duplicate ids and unknown tools', () => {
    const problems = toolConversationProblems({
      tools: [weather],
      messages: [
        { role: 'user', content: 'x', tool_calls: [call] },
        { role: 'user', content: 'y', tool_call_id: 'call_1' },
        { role: 'assistant', content: '', tool_calls: [call] },
        { role: 'tool', tool_call_id: 'call_1', content: '4 C' },
        { role: 'assistant', content: '', tool_calls: [{ ...call, name: 'rm' }] },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'x' }] },
      ],
    });
    expect(fields(problems)).toEqual([
      'messages[0].tool_calls',
      'messages[1].tool_call_id',
      'messages[4].tool_calls[0].id',
      'messages[4].tool_calls[0].name',
      'messages[5].content',
    ]);
  });

  it('requires tools when the messages carry tool calls', () => {
    expect(toolConversationProblems({ messages: turn })).toEqual([
      { field: 'tools', problem: expect.stringMatching(/required when messages carry tool calls/) },
    ]);
  });
});
