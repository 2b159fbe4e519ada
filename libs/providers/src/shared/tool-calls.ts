import { createHash } from 'node:crypto';
import { InvalidSchemaError, JsonSchemaValidator } from '@switchyard/schemas';
import type { ChatMessage, ToolCall, ToolDefinition } from '../provider.types';
import { failure } from './failure';
import { isJsonObject } from './json-object';
import { textOnly } from './message-content';

const validator = new JsonSchemaValidator();

/**
 * A tool call as a wire reports it, before it is checked: OpenAI sends the arguments as JSON text,
 * Anthropic and Gemini as an object. A streaming reader assembles the same shape from its deltas.
 */
export interface RawToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

function parseArguments(raw: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof raw !== 'string') return { ok: true, value: raw ?? {} };
  // A call without arguments comes as an empty string from some OpenAI-compatible servers.
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/**
 * The model's tool calls, each checked against the tool it names: arguments that do not parse,
 * are not an object, or break the tool's `parameters` schema are `invalid_output` (the worker then
 * falls back or fails per the task's `on_invalid_output`), like a JSON answer that breaks its schema.
 */
export function checkToolCalls(
  calls: readonly RawToolCall[],
  tools: readonly ToolDefinition[] | undefined,
  provider: string,
  requestId?: string,
): ToolCall[] {
  return calls.map((call, i) => {
    const where = `tool call ${i} (${call.name})`;
    const tool = tools?.find((t) => t.name === call.name);
    if (!tool)
      throw failure('invalid_output', provider, `${where} names a tool that was not offered`, {
        requestId,
      });
    const parsed = parseArguments(call.arguments);
    if (!parsed.ok)
      throw failure('invalid_output', provider, `${where}: the arguments are not valid JSON`, {
        requestId,
      });
    if (!isJsonObject(parsed.value))
      throw failure('invalid_output', provider, `${where}: the arguments are not a JSON object`, {
        requestId,
      });
    let check;
    try {
      check = validator.check(tool.parameters, parsed.value);
    } catch (err) {
      if (err instanceof InvalidSchemaError)
        throw failure('bad_request', provider, `tool ${tool.name}: ${err.message}`, { requestId });
      throw err;
    }
    if (!check.valid)
      throw failure(
        'invalid_output',
        provider,
        `${where}: the arguments do not match the tool's parameters: ${check.problems}`,
        { requestId },
      );
    return { id: call.id, name: call.name, arguments: parsed.value };
  });
}

/**
 * An id for a call whose wire has none (Gemini): the same call key and position always give the
 * same id, in the `call_` form every provider accepts back (Anthropic allows [A-Za-z0-9_-] only).
 */
export function stableToolCallId(callKey: string, index: number): string {
  return `call_${createHash('sha256').update(`${callKey}#${index}`).digest('hex').slice(0, 24)}`;
}

/** Every tool call the conversation's assistant messages carry, by id. */
export function toolCallsById(messages: readonly ChatMessage[]): Map<string, ToolCall> {
  const calls = new Map<string, ToolCall>();
  for (const message of messages)
    for (const call of message.tool_calls ?? []) calls.set(call.id, call);
  return calls;
}

/** What a tool message says, as text (tool results carry no images). */
export function toolResultText(message: ChatMessage): string {
  return textOnly(message) ?? '';
}

/**
 * Consecutive runs of messages: each run of tool messages is one group (Anthropic and Gemini want
 * all results of one assistant turn in one user turn), every other message a group of its own.
 */
export function groupToolResults(messages: readonly ChatMessage[]): ChatMessage[][] {
  const groups: ChatMessage[][] = [];
  for (const message of messages) {
    const last = groups.at(-1);
    if (message.role === 'tool' && last?.[0].role === 'tool') last.push(message);
    else groups.push([message]);
  }
  return groups;
}
