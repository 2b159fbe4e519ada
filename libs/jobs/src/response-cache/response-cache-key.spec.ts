import type { JobRequest } from '../job.types';
import { normalizedCacheRequest, responseCacheKey, routingVersion } from './response-cache-key';

const request: JobRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Invoice 42 from ACME' },
  ],
  response_format: {
    type: 'json_schema',
    schema: { type: 'object', required: ['vendor'], properties: { vendor: { type: 'string' } } },
  },
  temperature: 0,
  max_tokens: 100,
};
const base = { tenant: 'acme', task: 'extraction', routing_version: 'v1', request };
const key = (overrides: Partial<typeof base> = {}, req: Partial<JobRequest> = {}) =>
  responseCacheKey({ ...base, ...overrides, request: { ...request, ...req } });

describe('responseCacheKey', () => {
  it('is a stable SHA-256 hex digest', () => {
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
    expect(key()).toBe(key());
  });

  it('ignores object key order, absent fields and what does not change the answer', () => {
    const reordered: JobRequest = {
      max_tokens: 100,
      temperature: 0,
      response_format: {
        schema: {
          properties: { vendor: { type: 'string' } },
          required: ['vendor'],
          type: 'object',
        },
        type: 'json_schema',
      },
      messages: request.messages.map((m) => ({ content: m.content, role: m.role })),
      tools: [],
      metadata: { order: 7 },
      webhook_url: 'https://hooks.example/x',
      budget: { max_cost_usd: 0.01 },
    };
    expect(responseCacheKey({ ...base, request: reordered })).toBe(key());
  });

  it('treats a content of one text part as that text', () => {
    expect(
      key(
        {},
        {
          messages: [
            { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
            { role: 'user', content: 'Invoice 42 from ACME' },
          ],
        },
      ),
    ).toBe(key());
  });

  it('differs for another tenant, task, routing version, message, format, tools, temperature or max_tokens', () => {
    const keys = [
      key(),
      key({ tenant: 'globex' }),
      key({ task: 'chat' }),
      key({ routing_version: 'v2' }),
      key({}, { messages: [{ role: 'user', content: 'Invoice 43 from ACME' }] }),
      key({}, { response_format: { type: 'text' } }),
      key({}, { response_format: undefined, temperature: 0 }),
      key({}, { tools: [{ name: 'f', parameters: { type: 'object' } }] }),
      key({}, { temperature: 0.7 }),
      key({}, { max_tokens: 101 }),
      key({}, { max_tokens: undefined }),
    ];
    expect(new Set(keys).size).toBe(keys.length - 1); // {type: text} and no format are the same
  });

  it('keeps tool_choice only alongside tools', () => {
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    expect(key({}, { tool_choice: 'required' })).toBe(key());
    expect(key({}, { tools, tool_choice: 'required' })).not.toBe(key({}, { tools }));
  });

  it('normalizes to the fields that decide the answer only', () => {
    expect(Object.keys(normalizedCacheRequest(request) as object).sort()).toEqual([
      'max_tokens',
      'messages',
      'response_format',
      'temperature',
      'tool_choice',
      'tools',
    ]);
  });
});

describe('routingVersion', () => {
  it('changes with any change to the configuration it covers', () => {
    const task = { name: 'extraction', primary: 'openai/gpt-4o-mini', retry: { attempts: 2 } };
    expect(routingVersion(task, undefined)).toBe(
      routingVersion(
        { retry: { attempts: 2 }, primary: 'openai/gpt-4o-mini', name: 'extraction' },
        undefined,
      ),
    );
    expect(routingVersion(task, undefined)).not.toBe(
      routingVersion({ ...task, primary: 'anthropic/claude-haiku-4-5' }, undefined),
    );
    expect(routingVersion(task, undefined)).not.toBe(
      routingVersion(task, { name: 'acme', allowed_providers: ['openai'] }),
    );
  });
});
