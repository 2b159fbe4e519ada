import type { ErrorDetail } from './api-error';
import { validateEvalBody } from '../evals/dto/create-eval.dto';
import { validateJobBody } from '../jobs/dto/create-job.dto';
import { validatePlanBody } from '../jobs/dto/plan-request.dto';

// Every rule of the three request bodies, broken one way or several. The details were recorded
// from the class-validator pipe these validators replaced, so clients see the same 400s.
const user = { role: 'user', content: 'hi' };
const job = (extra: Record<string, unknown>) => ({
  task: 'extraction',
  messages: [user],
  ...extra,
});
const msg = (m: Record<string, unknown>) => job({ messages: [m] });

const JOB_CASES: Array<[string, unknown]> = [
  ['valid minimal', job({})],
  [
    'valid full',
    job({
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'image', url: 'https://x/y.png' },
          ],
        },
        { role: 'user', content: [{ type: 'image', data: 'AAAA', mime_type: 'image/png' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', name: 'f', arguments: {} }] },
        { role: 'assistant', tool_calls: [{ id: 'c2', name: 'f', arguments: { a: 1 } }] },
        { role: 'assistant', content: '', tool_calls: [{ id: 'c3', name: 'f', arguments: {} }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
      tools: [{ name: 'f', description: 'd', parameters: { type: 'object' } }],
      tool_choice: { name: 'f' },
      response_format: { type: 'json_schema', schema: { type: 'object' } },
      max_tokens: 10,
      temperature: 2,
      webhook_url: 'http://localhost:8080/hook',
      metadata: { a: 1 },
      cache: false,
      budget: { max_cost_usd: 0.5, deadline_ms: 1000 },
      pin: 'openai/gpt-4o-mini',
    }),
  ],
  [
    'nulls on optional fields',
    job({
      tools: null,
      tool_choice: null,
      max_tokens: null,
      temperature: null,
      webhook_url: null,
      metadata: null,
      cache: null,
      budget: null,
      pin: null,
      response_format: null,
    }),
  ],
  ['empty body', {}],
  ['array body', [1, 2]],
  ['empty array body', []],
  ['task missing', { messages: [user] }],
  ['task null', job({ task: null })],
  ['task number', job({ task: 5 })],
  ['task empty', job({ task: '' })],
  ['task too long', job({ task: 'x'.repeat(129) })],
  ['task object', job({ task: {} })],
  ['messages missing', { task: 't' }],
  ['messages null', job({ messages: null })],
  ['messages string', job({ messages: 'hi' })],
  ['messages object', job({ messages: { role: 'user', content: 'hi' } })],
  ['messages object with unknown', job({ messages: { foo: 1 } })],
  ['messages empty', job({ messages: [] })],
  ['messages primitive elements', job({ messages: ['hi', 3, null] })],
  ['messages nested array', job({ messages: [[{ role: 'user', content: 'x' }, {}]] })],
  ['message empty object', msg({})],
  ['message unknown field', msg({ role: 'user', content: 'x', name: 'bob', extra: 1 })],
  ['message bad role', msg({ role: 'robot', content: 'x' })],
  ['message role number', msg({ role: 1, content: 'x' })],
  ['message content empty string', msg({ role: 'user', content: '' })],
  ['message content number', msg({ role: 'user', content: 5 })],
  ['message content null', msg({ role: 'user', content: null })],
  ['message content empty parts', msg({ role: 'user', content: [] })],
  ['part not object', msg({ role: 'user', content: ['x'] })],
  ['part array', msg({ role: 'user', content: [[]] })],
  ['part bad type', msg({ role: 'user', content: [{ type: 'audio' }] })],
  ['part no type', msg({ role: 'user', content: [{ text: 'x' }] })],
  [
    'text part unknown key',
    msg({ role: 'user', content: [{ type: 'text', text: 'a', url: 'x' }] }),
  ],
  ['text part empty', msg({ role: 'user', content: [{ type: 'text', text: '' }] })],
  [
    'image bad url',
    msg({
      role: 'user',
      content: [
        { type: 'text', text: 'a' },
        { type: 'image', url: 'ftp://x' },
      ],
    }),
  ],
  [
    'image url and data',
    msg({ role: 'user', content: [{ type: 'image', url: 'https://x', data: 'AAAA' }] }),
  ],
  ['image no data', msg({ role: 'user', content: [{ type: 'image' }] })],
  [
    'image bad base64',
    msg({ role: 'user', content: [{ type: 'image', data: '!!', mime_type: 'image/png' }] }),
  ],
  [
    'image bad mime',
    msg({ role: 'user', content: [{ type: 'image', data: 'AAAA', mime_type: 'text/plain' }] }),
  ],
  ['image in system', msg({ role: 'system', content: [{ type: 'image', url: 'https://x' }] })],
  [
    'image in assistant',
    msg({
      role: 'assistant',
      content: [
        { type: 'text', text: 'a' },
        { type: 'image', url: 'https://x' },
      ],
    }),
  ],
  ['image in bad role', msg({ role: 'robot', content: [{ type: 'image', url: 'https://x' }] })],
  ['assistant no content no calls', msg({ role: 'assistant' })],
  ['assistant empty calls', msg({ role: 'assistant', tool_calls: [] })],
  [
    'user with calls no content',
    msg({ role: 'user', tool_calls: [{ id: 'c', name: 'f', arguments: {} }] }),
  ],
  ['tool_calls string', msg({ role: 'assistant', content: 'x', tool_calls: 'f' })],
  ['tool_calls object', msg({ role: 'assistant', content: 'x', tool_calls: { id: 'c', zz: 1 } })],
  ['tool_calls null elem', msg({ role: 'assistant', content: 'x', tool_calls: [null, 1] })],
  ['tool_call empty', msg({ role: 'assistant', tool_calls: [{}] })],
  [
    'tool_call bad',
    msg({ role: 'assistant', tool_calls: [{ id: 'a b', name: '', arguments: [], x: 1 }] }),
  ],
  [
    'tool_call wrong types',
    msg({ role: 'assistant', tool_calls: [{ id: 5, name: 5, arguments: 'x' }] }),
  ],
  [
    'tool_call id too long',
    msg({ role: 'assistant', tool_calls: [{ id: 'a'.repeat(65), name: 'f', arguments: {} }] }),
  ],
  ['tool msg no id', msg({ role: 'tool', content: 'x' })],
  ['tool msg empty id', msg({ role: 'tool', content: 'x', tool_call_id: '' })],
  ['tool msg id number', msg({ role: 'tool', content: 'x', tool_call_id: 5 })],
  ['user with tool_call_id', msg({ role: 'user', content: 'x', tool_call_id: '' })],
  ['user with tool_call_id null', msg({ role: 'user', content: 'x', tool_call_id: null })],
  ['response_format string', job({ response_format: 'json' })],
  ['response_format empty', job({ response_format: {} })],
  ['response_format bad type', job({ response_format: { type: 'xml' } })],
  ['response_format no schema', job({ response_format: { type: 'json_schema' } })],
  ['response_format schema array', job({ response_format: { type: 'json_schema', schema: [] } })],
  ['response_format text with schema', job({ response_format: { type: 'text', schema: 'x' } })],
  ['response_format unknown key', job({ response_format: { type: 'text', strict: true } })],
  ['response_format array', job({ response_format: [{ type: 'text' }, 'x', {}] })],
  ['tools string', job({ tools: 'f' })],
  [
    'tools too many',
    job({
      tools: Array.from({ length: 129 }, (_, i) => ({
        name: `f${i}`,
        parameters: { type: 'object' },
      })),
    }),
  ],
  ['tools empty elem', job({ tools: [{}] })],
  ['tool bad name', job({ tools: [{ name: '1x', parameters: {} }] })],
  ['tool name number', job({ tools: [{ name: 1, parameters: {} }] })],
  [
    'tool description long',
    job({ tools: [{ name: 'f', description: 'x'.repeat(4097), parameters: {} }] }),
  ],
  ['tool description number', job({ tools: [{ name: 'f', description: 1, parameters: {} }] })],
  ['tool parameters string', job({ tools: [{ name: 'f', parameters: 'x' }] })],
  ['tool unknown key', job({ tools: [{ name: 'f', parameters: {}, type: 'function' }] })],
  ['tool_choice bad string', job({ tool_choice: 'any' })],
  ['tool_choice number', job({ tool_choice: 1 })],
  ['tool_choice array', job({ tool_choice: [] })],
  ['tool_choice object no name', job({ tool_choice: { type: 'function' } })],
  ['tool_choice extra key', job({ tool_choice: { name: 'f', type: 'function' } })],
  ['max_tokens string', job({ max_tokens: '10' })],
  ['max_tokens float', job({ max_tokens: 1.5 })],
  ['max_tokens zero', job({ max_tokens: 0 })],
  ['max_tokens negative float', job({ max_tokens: -1.5 })],
  ['temperature string', job({ temperature: 'hot' })],
  ['temperature high', job({ temperature: 2.5 })],
  ['temperature negative', job({ temperature: -1 })],
  ['temperature bool', job({ temperature: true })],
  ['webhook_url bad', job({ webhook_url: 'not a url' })],
  ['webhook_url ftp', job({ webhook_url: 'ftp://example.com/x' })],
  ['webhook_url no protocol', job({ webhook_url: 'example.com/x' })],
  ['webhook_url number', job({ webhook_url: 5 })],
  ['webhook_url ip', job({ webhook_url: 'http://127.0.0.1:9/x' })],
  ['metadata array', job({ metadata: [1] })],
  ['metadata string', job({ metadata: 'x' })],
  ['metadata too big', job({ metadata: { a: 'x'.repeat(16 * 1024) } })],
  ['cache string', job({ cache: 'no' })],
  ['budget string', job({ budget: 'x' })],
  ['budget unknown', job({ budget: { max_cost: 1 } })],
  ['budget bad values', job({ budget: { max_cost_usd: -1, deadline_ms: 1.5 } })],
  ['budget wrong types', job({ budget: { max_cost_usd: '1', deadline_ms: '2' } })],
  ['budget zero', job({ budget: { max_cost_usd: 0, deadline_ms: 0 } })],
  ['budget negative float deadline', job({ budget: { deadline_ms: -2.5 } })],
  ['pin bad', job({ pin: 'openai' })],
  ['pin number', job({ pin: 5 })],
  ['pin long', job({ pin: `a/${'x'.repeat(300)}` })],
  ['pin long and bad', job({ pin: 'x'.repeat(300) })],
  ['unknown top-level fields', job({ model: 'gpt', stream: true })],
  [
    'many problems',
    {
      task: '',
      messages: [{ role: 'x' }, { role: 'user', content: [{ type: 'image' }] }],
      temperature: 9,
      foo: 1,
      budget: { deadline_ms: 'x', bar: 2 },
    },
  ],
];

const PLAN_CASES: Array<[string, unknown]> = [
  ['valid without task', { messages: [user] }],
  ['valid with task', { task: 'x', messages: [user] }],
  ['empty', {}],
  ['task number', { task: 5, messages: [user] }],
  ['task empty', { task: '', messages: [user] }],
  ['unknown and bad', { foo: 1, messages: [{}], temperature: 'x', task: 1 }],
  ['pin bad', { messages: [user], pin: 'x' }],
];

const EVAL_CASES: Array<[string, unknown]> = [
  ['valid', { task: 't' }],
  [
    'valid full',
    {
      task: 't',
      candidates: ['a/b'],
      examples: 5,
      concurrency: 2,
      webhook_url: 'https://h.example/x',
    },
  ],
  ['empty', {}],
  ['nulls', { task: 't', candidates: null, examples: null, concurrency: null, webhook_url: null }],
  ['task bad', { task: '' }],
  ['task long', { task: 'x'.repeat(129) }],
  ['candidates string', { task: 't', candidates: 'some' }],
  ['candidates empty', { task: 't', candidates: [] }],
  ['candidates bad elem', { task: 't', candidates: ['a/b', 'c', 5] }],
  [
    'candidates too many',
    { task: 't', candidates: Array.from({ length: 21 }, (_, i) => `p/m${i}`) },
  ],
  ['candidates object', { task: 't', candidates: {} }],
  ['examples bad', { task: 't', examples: 0 }],
  ['examples big', { task: 't', examples: 100_001 }],
  ['examples string', { task: 't', examples: '5' }],
  ['concurrency float', { task: 't', concurrency: 1.5 }],
  ['concurrency big', { task: 't', concurrency: 65 }],
  ['webhook bad', { task: 't', webhook_url: 'x' }],
  ['unknown', { task: 't', dataset: 'x' }],
];

const EXPECTED: Record<string, ErrorDetail[]> = {
  'job: valid minimal': [],
  'job: valid full': [],
  'job: nulls on optional fields': [],
  'job: empty body': [
    {
      field: 'task',
      problem: 'is required',
    },
    {
      field: 'messages',
      problem: 'is required',
    },
  ],
  'job: array body': [
    {
      field: '[0]',
      problem: 'property 0 should not exist',
    },
    {
      field: '[1]',
      problem: 'property 1 should not exist',
    },
    {
      field: 'task',
      problem: 'is required',
    },
    {
      field: 'messages',
      problem: 'is required',
    },
  ],
  'job: empty array body': [
    {
      field: 'task',
      problem: 'is required',
    },
    {
      field: 'messages',
      problem: 'is required',
    },
  ],
  'job: task missing': [
    {
      field: 'task',
      problem: 'is required',
    },
  ],
  'job: task null': [
    {
      field: 'task',
      problem: 'is required',
    },
  ],
  'job: task number': [
    {
      field: 'task',
      problem: 'must be a string',
    },
  ],
  'job: task empty': [
    {
      field: 'task',
      problem: 'should not be empty',
    },
  ],
  'job: task too long': [
    {
      field: 'task',
      problem: 'must be shorter than or equal to 128 characters',
    },
  ],
  'job: task object': [
    {
      field: 'task',
      problem: 'must be a string',
    },
  ],
  'job: messages missing': [
    {
      field: 'messages',
      problem: 'is required',
    },
  ],
  'job: messages null': [
    {
      field: 'messages',
      problem: 'is required',
    },
  ],
  'job: messages string': [
    {
      field: 'messages',
      problem: 'must be an array',
    },
  ],
  'job: messages object': [
    {
      field: 'messages',
      problem: 'must be an array',
    },
  ],
  'job: messages object with unknown': [
    {
      field: 'messages',
      problem: 'must be an array',
    },
    {
      field: 'messages.foo',
      problem: 'property foo should not exist',
    },
    {
      field: 'messages.role',
      problem: 'is required',
    },
    {
      field: 'messages.content',
      problem: 'is required',
    },
  ],
  'job: messages empty': [
    {
      field: 'messages',
      problem: 'must contain at least 1 elements',
    },
  ],
  'job: messages primitive elements': [
    {
      field: 'messages[0]',
      problem: 'each value in nested property messages must be either object or array',
    },
    {
      field: 'messages[1]',
      problem: 'each value in nested property messages must be either object or array',
    },
    {
      field: 'messages[2]',
      problem: 'each value in nested property messages must be either object or array',
    },
  ],
  'job: messages nested array': [
    {
      field: 'messages[0][1].role',
      problem: 'is required',
    },
    {
      field: 'messages[0][1].content',
      problem: 'is required',
    },
  ],
  'job: message empty object': [
    {
      field: 'messages[0].role',
      problem: 'is required',
    },
    {
      field: 'messages[0].content',
      problem: 'is required',
    },
  ],
  'job: message unknown field': [
    {
      field: 'messages[0].name',
      problem: 'property name should not exist',
    },
    {
      field: 'messages[0].extra',
      problem: 'property extra should not exist',
    },
  ],
  'job: message bad role': [
    {
      field: 'messages[0].role',
      problem: 'must be one of the following values: system, user, assistant, tool',
    },
  ],
  'job: message role number': [
    {
      field: 'messages[0].role',
      problem: 'must be one of the following values: system, user, assistant, tool',
    },
  ],
  'job: message content empty string': [
    {
      field: 'messages[0].content',
      problem: 'must not be empty',
    },
  ],
  'job: message content number': [
    {
      field: 'messages[0].content',
      problem: 'must be a string or an array of parts',
    },
  ],
  'job: message content null': [
    {
      field: 'messages[0].content',
      problem: 'is required',
    },
  ],
  'job: message content empty parts': [
    {
      field: 'messages[0].content',
      problem: 'must have at least one part',
    },
  ],
  'job: part not object': [
    {
      field: 'messages[0].content[0]',
      problem: 'must be an object',
    },
  ],
  'job: part array': [
    {
      field: 'messages[0].content[0]',
      problem: 'must be an object',
    },
  ],
  'job: part bad type': [
    {
      field: 'messages[0].content[0].type',
      problem: 'must be "text" or "image"',
    },
  ],
  'job: part no type': [
    {
      field: 'messages[0].content[0].type',
      problem: 'must be "text" or "image"',
    },
  ],
  'job: text part unknown key': [
    {
      field: 'messages[0].content[0].url',
      problem: 'is not a field of a text part',
    },
  ],
  'job: text part empty': [
    {
      field: 'messages[0].content[0].text',
      problem: 'must be a non-empty string',
    },
  ],
  'job: image bad url': [
    {
      field: 'messages[0].content[1].url',
      problem: 'must be an http(s) URL',
    },
  ],
  'job: image url and data': [
    {
      field: 'messages[0].content[0]',
      problem: 'must have either url or data, not both',
    },
  ],
  'job: image no data': [
    {
      field: 'messages[0].content[0].data',
      problem: 'must be base64 image data (or give url instead)',
    },
  ],
  'job: image bad base64': [
    {
      field: 'messages[0].content[0].data',
      problem: 'must be base64 image data (or give url instead)',
    },
  ],
  'job: image bad mime': [
    {
      field: 'messages[0].content[0].mime_type',
      problem: 'must be an image type such as image/png',
    },
  ],
  'job: image in system': [
    {
      field: 'messages[0].content[0]',
      problem: 'images are only accepted in user messages, not in system messages',
    },
  ],
  'job: image in assistant': [
    {
      field: 'messages[0].content[1]',
      problem: 'images are only accepted in user messages, not in assistant messages',
    },
  ],
  'job: image in bad role': [
    {
      field: 'messages[0].role',
      problem: 'must be one of the following values: system, user, assistant, tool',
    },
  ],
  'job: assistant no content no calls': [
    {
      field: 'messages[0].content',
      problem: 'is required',
    },
  ],
  'job: assistant empty calls': [
    {
      field: 'messages[0].content',
      problem: 'is required',
    },
    {
      field: 'messages[0].tool_calls',
      problem: 'must contain at least 1 elements',
    },
  ],
  'job: user with calls no content': [
    {
      field: 'messages[0].content',
      problem: 'is required',
    },
  ],
  'job: tool_calls string': [
    {
      field: 'messages[0].tool_calls',
      problem: 'must be an array',
    },
  ],
  'job: tool_calls object': [
    {
      field: 'messages[0].tool_calls',
      problem: 'must be an array',
    },
    {
      field: 'messages[0].tool_calls.zz',
      problem: 'property zz should not exist',
    },
    {
      field: 'messages[0].tool_calls.name',
      problem: 'is required',
    },
    {
      field: 'messages[0].tool_calls.arguments',
      problem: 'is required',
    },
  ],
  'job: tool_calls null elem': [
    {
      field: 'messages[0].tool_calls[0]',
      problem: 'each value in nested property tool_calls must be either object or array',
    },
    {
      field: 'messages[0].tool_calls[1]',
      problem: 'each value in nested property tool_calls must be either object or array',
    },
  ],
  'job: tool_call empty': [
    {
      field: 'messages[0].tool_calls[0].id',
      problem: 'is required',
    },
    {
      field: 'messages[0].tool_calls[0].name',
      problem: 'is required',
    },
    {
      field: 'messages[0].tool_calls[0].arguments',
      problem: 'is required',
    },
  ],
  'job: tool_call bad': [
    {
      field: 'messages[0].tool_calls[0].x',
      problem: 'property x should not exist',
    },
    {
      field: 'messages[0].tool_calls[0].id',
      problem: 'must be 1 to 64 letters, digits, _ or -',
    },
    {
      field: 'messages[0].tool_calls[0].name',
      problem: 'should not be empty',
    },
    {
      field: 'messages[0].tool_calls[0].arguments',
      problem: 'must be a JSON object',
    },
  ],
  'job: tool_call wrong types': [
    {
      field: 'messages[0].tool_calls[0].id',
      problem: 'must be a string',
    },
    {
      field: 'messages[0].tool_calls[0].name',
      problem: 'must be a string',
    },
    {
      field: 'messages[0].tool_calls[0].arguments',
      problem: 'must be a JSON object',
    },
  ],
  'job: tool_call id too long': [
    {
      field: 'messages[0].tool_calls[0].id',
      problem: 'must be 1 to 64 letters, digits, _ or -',
    },
  ],
  'job: tool msg no id': [
    {
      field: 'messages[0].tool_call_id',
      problem: 'is required',
    },
  ],
  'job: tool msg empty id': [
    {
      field: 'messages[0].tool_call_id',
      problem: 'should not be empty',
    },
  ],
  'job: tool msg id number': [
    {
      field: 'messages[0].tool_call_id',
      problem: 'must be a string',
    },
  ],
  'job: user with tool_call_id': [
    {
      field: 'messages[0].tool_call_id',
      problem: 'should not be empty',
    },
  ],
  'job: user with tool_call_id null': [
    {
      field: 'messages[0].tool_call_id',
      problem: 'is required',
    },
  ],
  'job: response_format string': [
    {
      field: 'response_format',
      problem: 'nested property response_format must be either object or array',
    },
  ],
  'job: response_format empty': [
    {
      field: 'response_format.type',
      problem: 'is required',
    },
  ],
  'job: response_format bad type': [
    {
      field: 'response_format.type',
      problem: 'must be one of the following values: text, json_schema',
    },
  ],
  'job: response_format no schema': [
    {
      field: 'response_format.schema',
      problem: 'must be an object',
    },
  ],
  'job: response_format schema array': [
    {
      field: 'response_format.schema',
      problem: 'must be an object',
    },
  ],
  'job: response_format text with schema': [],
  'job: response_format unknown key': [
    {
      field: 'response_format.strict',
      problem: 'property strict should not exist',
    },
  ],
  'job: response_format array': [
    {
      field: 'response_format[1]',
      problem: 'nested property response_format must be either object or array',
    },
    {
      field: 'response_format[2].type',
      problem: 'is required',
    },
  ],
  'job: tools string': [
    {
      field: 'tools',
      problem: 'must be an array',
    },
  ],
  'job: tools too many': [
    {
      field: 'tools',
      problem: 'must contain no more than 128 elements',
    },
  ],
  'job: tools empty elem': [
    {
      field: 'tools[0].name',
      problem: 'is required',
    },
    {
      field: 'tools[0].parameters',
      problem: 'is required',
    },
  ],
  'job: tool bad name': [
    {
      field: 'tools[0].name',
      problem: 'must be 1 to 64 letters, digits, _ or -, starting with a letter or _',
    },
  ],
  'job: tool name number': [
    {
      field: 'tools[0].name',
      problem: 'must be a string',
    },
  ],
  'job: tool description long': [
    {
      field: 'tools[0].description',
      problem: 'must be shorter than or equal to 4096 characters',
    },
  ],
  'job: tool description number': [
    {
      field: 'tools[0].description',
      problem: 'must be a string',
    },
  ],
  'job: tool parameters string': [
    {
      field: 'tools[0].parameters',
      problem: 'must be a JSON Schema object',
    },
  ],
  'job: tool unknown key': [
    {
      field: 'tools[0].type',
      problem: 'property type should not exist',
    },
  ],
  'job: tool_choice bad string': [
    {
      field: 'tool_choice',
      problem: 'must be "auto", "none", "required" or {"name": "<tool>"}',
    },
  ],
  'job: tool_choice number': [
    {
      field: 'tool_choice',
      problem: 'must be "auto", "none", "required" or {"name": "<tool>"}',
    },
  ],
  'job: tool_choice array': [
    {
      field: 'tool_choice',
      problem: 'must be "auto", "none", "required" or {"name": "<tool>"}',
    },
  ],
  'job: tool_choice object no name': [
    {
      field: 'tool_choice',
      problem: 'must be "auto", "none", "required" or {"name": "<tool>"}',
    },
  ],
  'job: tool_choice extra key': [
    {
      field: 'tool_choice',
      problem: 'must have only "name" (not "type")',
    },
  ],
  'job: max_tokens string': [
    {
      field: 'max_tokens',
      problem: 'must be an integer number',
    },
  ],
  'job: max_tokens float': [
    {
      field: 'max_tokens',
      problem: 'must be an integer number',
    },
  ],
  'job: max_tokens zero': [
    {
      field: 'max_tokens',
      problem: 'must not be less than 1',
    },
  ],
  'job: max_tokens negative float': [
    {
      field: 'max_tokens',
      problem: 'must be an integer number',
    },
  ],
  'job: temperature string': [
    {
      field: 'temperature',
      problem: 'must be a number conforming to the specified constraints',
    },
  ],
  'job: temperature high': [
    {
      field: 'temperature',
      problem: 'must not be greater than 2',
    },
  ],
  'job: temperature negative': [
    {
      field: 'temperature',
      problem: 'must not be less than 0',
    },
  ],
  'job: temperature bool': [
    {
      field: 'temperature',
      problem: 'must be a number conforming to the specified constraints',
    },
  ],
  'job: webhook_url bad': [
    {
      field: 'webhook_url',
      problem: 'must be a URL address',
    },
  ],
  'job: webhook_url ftp': [
    {
      field: 'webhook_url',
      problem: 'must be a URL address',
    },
  ],
  'job: webhook_url no protocol': [
    {
      field: 'webhook_url',
      problem: 'must be a URL address',
    },
  ],
  'job: webhook_url number': [
    {
      field: 'webhook_url',
      problem: 'must be a URL address',
    },
  ],
  'job: webhook_url ip': [],
  'job: metadata array': [
    {
      field: 'metadata',
      problem: 'must be a JSON object',
    },
  ],
  'job: metadata string': [
    {
      field: 'metadata',
      problem: 'must be a JSON object',
    },
  ],
  'job: metadata too big': [
    {
      field: 'metadata',
      problem: 'must be at most 16384 bytes as JSON',
    },
  ],
  'job: cache string': [
    {
      field: 'cache',
      problem: 'must be a boolean value',
    },
  ],
  'job: budget string': [
    {
      field: 'budget',
      problem: 'nested property budget must be either object or array',
    },
  ],
  'job: budget unknown': [
    {
      field: 'budget.max_cost',
      problem: 'property max_cost should not exist',
    },
  ],
  'job: budget bad values': [
    {
      field: 'budget.max_cost_usd',
      problem: 'must be a positive number',
    },
    {
      field: 'budget.deadline_ms',
      problem: 'must be an integer number',
    },
  ],
  'job: budget wrong types': [
    {
      field: 'budget.max_cost_usd',
      problem: 'must be a number conforming to the specified constraints',
    },
    {
      field: 'budget.deadline_ms',
      problem: 'must be an integer number',
    },
  ],
  'job: budget zero': [
    {
      field: 'budget.max_cost_usd',
      problem: 'must be a positive number',
    },
    {
      field: 'budget.deadline_ms',
      problem: 'must be a positive number',
    },
  ],
  'job: budget negative float deadline': [
    {
      field: 'budget.deadline_ms',
      problem: 'must be an integer number',
    },
  ],
  'job: pin bad': [
    {
      field: 'pin',
      problem: 'must be "provider/model"',
    },
  ],
  'job: pin number': [
    {
      field: 'pin',
      problem: 'must be a string',
    },
  ],
  'job: pin long': [
    {
      field: 'pin',
      problem: 'must be shorter than or equal to 256 characters',
    },
  ],
  'job: pin long and bad': [
    {
      field: 'pin',
      problem: 'must be shorter than or equal to 256 characters',
    },
  ],
  'job: unknown top-level fields': [
    {
      field: 'model',
      problem: 'property model should not exist',
    },
    {
      field: 'stream',
      problem: 'property stream should not exist',
    },
  ],
  'job: many problems': [
    {
      field: 'foo',
      problem: 'property foo should not exist',
    },
    {
      field: 'task',
      problem: 'should not be empty',
    },
    {
      field: 'messages[0].role',
      problem: 'must be one of the following values: system, user, assistant, tool',
    },
    {
      field: 'messages[0].content',
      problem: 'is required',
    },
    {
      field: 'messages[1].content[0].data',
      problem: 'must be base64 image data (or give url instead)',
    },
    {
      field: 'temperature',
      problem: 'must not be greater than 2',
    },
    {
      field: 'budget.bar',
      problem: 'property bar should not exist',
    },
    {
      field: 'budget.deadline_ms',
      problem: 'must be an integer number',
    },
  ],
  'plan: valid without task': [],
  'plan: valid with task': [],
  'plan: empty': [
    {
      field: 'messages',
      problem: 'is required',
    },
  ],
  'plan: task number': [
    {
      field: 'task',
      problem: 'must be a string',
    },
  ],
  'plan: task empty': [],
  'plan: unknown and bad': [
    {
      field: 'foo',
      problem: 'property foo should not exist',
    },
    {
      field: 'task',
      problem: 'must be a string',
    },
    {
      field: 'messages[0].role',
      problem: 'is required',
    },
    {
      field: 'messages[0].content',
      problem: 'is required',
    },
    {
      field: 'temperature',
      problem: 'must be a number conforming to the specified constraints',
    },
  ],
  'plan: pin bad': [
    {
      field: 'pin',
      problem: 'must be "provider/model"',
    },
  ],
  'eval: valid': [],
  'eval: valid full': [],
  'eval: empty': [
    {
      field: 'task',
      problem: 'is required',
    },
  ],
  'eval: nulls': [],
  'eval: task bad': [
    {
      field: 'task',
      problem: 'should not be empty',
    },
  ],
  'eval: task long': [
    {
      field: 'task',
      problem: 'must be shorter than or equal to 128 characters',
    },
  ],
  'eval: candidates string': [
    {
      field: 'candidates',
      problem: 'must be "all", "primary" or a list of "provider/model"',
    },
  ],
  'eval: candidates empty': [
    {
      field: 'candidates',
      problem: 'must be "all", "primary" or a list of "provider/model"',
    },
  ],
  'eval: candidates bad elem': [
    {
      field: 'candidates[1]',
      problem: 'must be "provider/model"',
    },
  ],
  'eval: candidates too many': [
    {
      field: 'candidates',
      problem: 'must list at most 20 candidates',
    },
  ],
  'eval: candidates object': [
    {
      field: 'candidates',
      problem: 'must be "all", "primary" or a list of "provider/model"',
    },
  ],
  'eval: examples bad': [
    {
      field: 'examples',
      problem: 'must not be less than 1',
    },
  ],
  'eval: examples big': [
    {
      field: 'examples',
      problem: 'must not be greater than 100000',
    },
  ],
  'eval: examples string': [
    {
      field: 'examples',
      problem: 'must be an integer number',
    },
  ],
  'eval: concurrency float': [
    {
      field: 'concurrency',
      problem: 'must be an integer number',
    },
  ],
  'eval: concurrency big': [
    {
      field: 'concurrency',
      problem: 'must not be greater than 64',
    },
  ],
  'eval: webhook bad': [
    {
      field: 'webhook_url',
      problem: 'must be a URL address',
    },
  ],
  'eval: unknown': [
    {
      field: 'dataset',
      problem: 'property dataset should not exist',
    },
  ],
};

describe.each([
  ['job', validateJobBody, JOB_CASES],
  ['plan', validatePlanBody, PLAN_CASES],
  ['eval', validateEvalBody, EVAL_CASES],
] as const)('the %s body', (group, validate, cases) => {
  it.each(cases)('%s', (name, body) => {
    expect(validate(body)).toEqual(EXPECTED[`${group}: ${name}`]);
  });
});

it('leaves the body it validates as it came', () => {
  const body = { task: 't', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }] };
  const copy = structuredClone(body);
  expect(validateJobBody(body)).toEqual([]);
  expect(body).toEqual(copy);
});
