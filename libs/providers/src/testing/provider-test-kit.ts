import { inspect } from 'node:util';
import { ProviderError, isProviderError } from '../provider-error';
import type { ChatMessage, CompletionRequest, ToolDefinition } from '../provider.types';

/**
 * Helpers for adapter specs (kept free of jest globals so they compile with the library). Not
 * exported from the package index.
 */

/** The ProviderError a call rejects with; throws if it resolves or rejects with anything else. */
export async function providerFailure(call: Promise<unknown>): Promise<ProviderError> {
  try {
    await call;
  } catch (err) {
    if (isProviderError(err)) return err;
    throw new Error(`expected a ProviderError, got ${inspect(err)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Every rendering of an error a logger or a record might use, with the places the secret shows up. */
export function secretLeaks(err: unknown, secret: string): string[] {
  const renderings: Record<string, string> = {
    message: (err as Error)?.message ?? '',
    string: String(err),
    json: JSON.stringify(err) ?? '',
    stack: (err as Error)?.stack ?? '',
    inspect: inspect(err, { depth: 12, showHidden: true }),
  };
  return Object.entries(renderings)
    .filter(([, text]) => text.includes(secret))
    .map(([where]) => where);
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Records (and silences) everything written through console, to check what would be logged. */
export class ConsoleRecorder {
  private readonly lines: string[] = [];
  private readonly originals = new Map<
    (typeof CONSOLE_METHODS)[number],
    (...args: unknown[]) => void
  >();

  start(): this {
    for (const method of CONSOLE_METHODS) {
      this.originals.set(method, console[method]);
      console[method] = (...args: unknown[]) => {
        this.lines.push(
          args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '),
        );
      };
    }
    return this;
  }

  stop(): void {
    for (const [method, original] of this.originals) console[method] = original;
    this.originals.clear();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export function textRequest(
  model: string,
  text: string,
  extra: Partial<CompletionRequest> = {},
): CompletionRequest {
  return {
    model,
    messages: [{ role: 'user', content: text }],
    max_tokens: 256,
    timeout_ms: 5000,
    ...extra,
  };
}

/** A 1x1 transparent PNG. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export const PERSON_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['name', 'age', 'tags'],
  additionalProperties: false,
};

export const WEATHER_TOOL: ToolDefinition = {
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } },
    required: ['city', 'unit'],
    additionalProperties: false,
  },
};

export const TIME_TOOL: ToolDefinition = {
  name: 'get_time',
  parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
};

/**
 * A finished tool round (question, the assistant's call, its result) with the call forced by name:
 * what every adapter spec maps onto its provider's request to show the ids and roles survive.
 */
export const WEATHER_TOOL_ROUND: Pick<CompletionRequest, 'tools' | 'tool_choice' | 'messages'> = {
  tools: [WEATHER_TOOL],
  tool_choice: { name: 'get_weather' },
  messages: [
    { role: 'user', content: 'weather in Oslo?' },
    {
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo', unit: 'C' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '4 C' },
  ] satisfies ChatMessage[],
};
