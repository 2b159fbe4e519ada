import { mapChatCompletionRequest, toOpenAiParam } from './chat-completion-request';

const base = { model: 'extraction', messages: [{ role: 'user', content: 'hi' }] };

function mapped(body: Record<string, unknown>) {
  const result = mapChatCompletionRequest(body);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.request;
}

function params(body: unknown): string[] {
  const result = mapChatCompletionRequest(body);
  return result.ok ? [] : result.problems.map((p) => p.param);
}

describe('mapChatCompletionRequest', () => {
  it('maps model to task and every supported field onto the job body', () => {
    const request = mapped({
      model: 'extraction',
      messages: [
        { role: 'developer', content: 'be brief' },
        { role: 'system', content: [{ type: 'text', text: 'no jokes' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":18}' },
      ],
      max_completion_tokens: 100,
      temperature: 0.2,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: true,
      stream: true,
      stream_options: { include_usage: true },
      user: 'u-1',
      metadata: { team: 'x' },
      n: 1,
      logprobs: false,
    });
    expect(request).toEqual({
      stream: true,
      include_usage: true,
      max_tokens_param: 'max_completion_tokens',
      job: {
        task: 'extraction',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'system', content: [{ type: 'text', text: 'no jokes' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', url: 'https://example.com/a.png' },
              { type: 'image', data: 'iVBORw0KGgo=', mime_type: 'image/png' },
            ],
          },
          {
            role: 'assistant',
            tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":18}' },
        ],
        max_tokens: 100,
        temperature: 0.2,
        response_format: { type: 'json_schema', schema: { type: 'object' } },
        tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
        tool_choice: { name: 'get_weather' },
        metadata: { team: 'x', user: 'u-1' },
      },
    });
  });

  it('maps json_object to the loosest object schema, text to text, and a function without parameters', () => {
    expect(
      mapped({ ...base, response_format: { type: 'json_object' } }).job.response_format,
    ).toEqual({
      type: 'json_schema',
      schema: { type: 'object' },
    });
    expect(mapped({ ...base, response_format: { type: 'text' } }).job.response_format).toEqual({
      type: 'text',
    });
    expect(
      mapped({ ...base, tools: [{ type: 'function', function: { name: 'now' } }] }).job.tools,
    ).toEqual([{ name: 'now', parameters: { type: 'object', properties: {} } }]);
    expect(mapped(base)).toMatchObject({
      stream: false,
      include_usage: false,
      max_tokens_param: 'max_tokens',
    });
  });

  it.each([
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 2 }],
    ['audio', { audio: { voice: 'alloy', format: 'mp3' } }],
    ['modalities', { modalities: ['text', 'audio'] }],
    ['prediction', { prediction: { type: 'content', content: 'x' } }],
    ['seed', { seed: 1 }],
    ['stop', { stop: ['\n'] }],
    ['top_p', { top_p: 0.9 }],
    ['presence_penalty', { presence_penalty: 0.5 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['parallel_tool_calls', { parallel_tool_calls: false }],
    ['store', { store: true }],
    ['service_tier', { service_tier: 'flex' }],
    ['frobnicate', { frobnicate: 1 }],
    ['stream_options', { stream_options: { include_usage: true } }],
    ['messages[0].name', { messages: [{ role: 'user', content: 'x', name: 'bob' }] }],
    ['messages[0].role', { messages: [{ role: 'function', content: 'x' }] }],
    [
      'messages[0].content[0].image_url.url',
      {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/a.png' } }] },
        ],
      },
    ],
    [
      'messages[0].content[0].type',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] },
    ],
    [
      'messages[0].tool_calls[0].function.arguments',
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [
              { id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } },
            ],
          },
        ],
      },
    ],
    ['tools[0].type', { tools: [{ type: 'custom', custom: { name: 'x' } }] }],
    ['tool_choice', { tool_choice: { type: 'allowed_tools' } }],
    ['response_format.type', { response_format: { type: 'grammar' } }],
    [
      'response_format.json_schema.name',
      { response_format: { type: 'json_schema', json_schema: { name: 'has space', schema: {} } } },
    ],
    ['max_tokens', { max_tokens: 10, max_completion_tokens: 20 }],
    ['user', { user: 'a', metadata: { user: 'b' } }],
    ['model', { model: undefined }],
  ])('refuses %s with that param, never a silent drop', (param, patch) => {
    expect(params({ ...base, ...patch })).toContain(param);
  });

  it('accepts the neutral values of fields it cannot honour otherwise', () => {
    expect(
      params({
        ...base,
        n: 1,
        logprobs: false,
        presence_penalty: 0,
        frequency_penalty: 0,
        store: false,
        modalities: ['text'],
        seed: null,
      }),
    ).toEqual([]);
  });

  it('names every problem, not only the first', () => {
    expect(params({ ...base, n: 3, seed: 2 })).toEqual(['n', 'seed']);
    expect(params('nope')).toEqual(['']);
  });
});

describe('toOpenAiParam', () => {
  it.each([
    ['task', 'model'],
    ['max_tokens', 'max_completion_tokens'],
    ['temperature', 'temperature'],
    ['tools[2].name', 'tools[2].function.name'],
    ['tools[0].parameters.properties', 'tools[0].function.parameters.properties'],
    ['messages[3].tool_calls[1].name', 'messages[3].tool_calls[1].function.name'],
    ['messages[3].tool_calls[0].id', 'messages[3].tool_calls[0].id'],
    ['tool_choice.name', 'tool_choice.function.name'],
    ['response_format.schema/properties', 'response_format.json_schema.schema/properties'],
    ['messages[0].content[1].url', 'messages[0].content[1].image_url.url'],
  ])('names job field %s as %s', (field, param) => {
    expect(toOpenAiParam(field, 'max_completion_tokens')).toBe(param);
  });
});
