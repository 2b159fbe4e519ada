import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProviderError, type CompletionResult } from '@switchyard/providers';
import * as semconv from './gen-ai-semconv';
import { genAiProviderName } from './gen-ai-provider-name';
import { TRACE_CONTENT_ENV } from '@switchyard/config';
import { withGenAiSpan, type GenAiSpanInfo } from './gen-ai-span';
import { startTestTracing, type TestTracing } from './test-tracing';

const info: GenAiSpanInfo = {
  provider: 'openai',
  kind: 'openai',
  request_model: 'gpt-4o-mini',
  max_tokens: 256,
  temperature: 0.2,
  output_type: 'json',
  task: 'summarize',
  job_id: 'job-42',
  hop: 1,
  fallback_reason: 'rate_limited',
  rule: 'long-or-vip',
  split: 'gemini-2.5-flash@10',
  messages: [
    { role: 'system', content: 'be brief' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'PROMPT-TEXT what is in the picture?' },
        { type: 'image', data: 'QUJD'.repeat(100), mime_type: 'image/png' },
      ],
    },
  ],
};

const result: CompletionResult = {
  text: 'RESPONSE-TEXT a cat',
  finish_reason: 'stop',
  usage: { input_tokens: 120, output_tokens: 7 },
  model_revision: 'gpt-4o-mini-2024-07-18',
  request_id: 'chatcmpl-123',
  system_fingerprint: 'fp_44709d6fcb',
};

describe('withGenAiSpan', () => {
  let tracing: TestTracing;

  beforeAll(() => {
    tracing = startTestTracing();
  });
  afterEach(() => {
    tracing.reset();
    delete process.env[TRACE_CONTENT_ENV];
  });
  afterAll(async () => {
    await tracing.shutdown();
  });

  it('records request and response attributes on success', async () => {
    const out = await withGenAiSpan(info, async (scope) => {
      scope.setCostUsd(0.00042);
      return result;
    });
    expect(out).toBe(result);
    const [span] = tracing.spans();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.output.type': 'json',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-123',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.openai.response.system_fingerprint': 'fp_44709d6fcb',
      'switchyard.provider': 'openai',
      'switchyard.task': 'summarize',
      'switchyard.job_id': 'job-42',
      'switchyard.attempt': 2,
      'switchyard.fallback_reason': 'rate_limited',
      'switchyard.rule': 'long-or-vip',
      'switchyard.split': 'gemini-2.5-flash@10',
      'switchyard.cost_usd': 0.00042,
    });
  });

  it('records error.type and an ERROR status on failure', async () => {
    const err = new ProviderError('rate_limited', 'Rate limit reached for key sk-abc…', {
      provider: 'groq',
      status: 429,
    });
    await expect(
      withGenAiSpan({ provider: 'groq', request_model: 'llama-3.1-8b' }, async () => {
        throw err;
      }),
    ).rejects.toBe(err);
    const [span] = tracing.spans();
    expect(span.name).toBe('chat llama-3.1-8b');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'rate_limited' });
    expect(span.attributes['error.type']).toBe('rate_limited');
    expect(span.attributes['gen_ai.provider.name']).toBe('groq');
    expect(span.attributes['gen_ai.response.model']).toBeUndefined();
    expect(JSON.stringify([span.attributes, span.status, span.events])).not.toContain('sk-abc');
  });

  it('keeps prompts and responses off spans by default', async () => {
    await withGenAiSpan(info, async () => result);
    const [span] = tracing.spans();
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
    const dump = JSON.stringify(span.attributes);
    expect(dump).not.toContain('PROMPT-TEXT');
    expect(dump).not.toContain('RESPONSE-TEXT');
  });

  it('records content when SWITCHYARD_TRACE_CONTENT=true, without inline image bytes', async () => {
    process.env[TRACE_CONTENT_ENV] = 'true';
    await withGenAiSpan(info, async () => result);
    const [span] = tracing.spans();
    const input = JSON.parse(String(span.attributes['gen_ai.input.messages']));
    expect(input[0]).toEqual({ role: 'system', parts: [{ type: 'text', content: 'be brief' }] });
    expect(input[1].parts[0]).toEqual({
      type: 'text',
      content: 'PROMPT-TEXT what is in the picture?',
    });
    expect(input[1].parts[1]).toMatchObject({ type: 'blob', mime_type: 'image/png' });
    expect(String(span.attributes['gen_ai.input.messages'])).not.toContain('QUJDQUJD');
    expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'RESPONSE-TEXT a cat' }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('lets an explicit option override the environment', async () => {
    process.env[TRACE_CONTENT_ENV] = 'true';
    await withGenAiSpan(info, async () => result, { captureContent: false });
    expect(tracing.spans()[0].attributes['gen_ai.input.messages']).toBeUndefined();
  });

  it('nests under the active span', async () => {
    await withGenAiSpan(info, async (scope) => {
      const parent = scope.span.spanContext();
      await withGenAiSpan({ provider: 'anthropic', request_model: 'claude' }, async () => ({
        ...result,
        model_revision: 'claude-x',
      }));
      const child = tracing.spans().find((s) => s.name === 'chat claude');
      expect(child?.parentSpanContext?.spanId).toBe(parent.spanId);
      return result;
    });
  });
});

describe('genAiProviderName', () => {
  it.each([
    ['openai', 'openai', 'openai'],
    ['anthropic', 'anthropic', 'anthropic'],
    ['google', 'google', 'gcp.gen_ai'],
    ['groq', 'openai-compatible', 'groq'],
    ['mistral', 'openai-compatible', 'mistral_ai'],
    ['perplexity', 'openai-compatible', 'perplexity'],
    ['my-claude', 'anthropic', 'anthropic'],
    ['vertex-gemini', 'google', 'gcp.gen_ai'],
    ['together', 'openai-compatible', 'together'],
    ['sim', 'openai', 'sim'],
  ] as const)('%s (%s) -> %s', (provider, kind, expected) => {
    expect(genAiProviderName(provider, kind)).toBe(expected);
  });
});

describe('copied GenAI semantic conventions', () => {
  it('match the installed @opentelemetry/semantic-conventions/incubating', () => {
    const incubating = jest.requireActual<Record<string, unknown>>(
      '@opentelemetry/semantic-conventions/incubating',
    );
    for (const [name, value] of Object.entries(semconv)) {
      expect([name, incubating[name]]).toEqual([name, value]);
    }
  });
});
