import type { ChatMessage, ResponseFormat, ToolDefinition } from '@switchyard/providers';
import { estimateInputTokens } from '../planning/cost-estimation';
import type { RuleSignals } from './rule.types';

export interface RuleSignalsInput {
  messages: readonly ChatMessage[];
  response_format?: ResponseFormat;
  tools?: readonly ToolDefinition[];
  metadata?: Readonly<Record<string, unknown>>;
}

/** The facts rules test, from the job's request and the caller's tenant. */
export function ruleSignals(request: RuleSignalsInput, tenant: string): RuleSignals {
  const { messages } = request;
  return {
    input_tokens: estimateInputTokens(messages),
    has_image: messages.some(
      (m) => typeof m.content !== 'string' && m.content.some((part) => part.type === 'image'),
    ),
    // As for the `tools` capability: a conversation that carries tool calls needs a tool reader.
    has_tools:
      (request.tools?.length ?? 0) > 0 ||
      messages.some((m) => m.role === 'tool' || (m.tool_calls?.length ?? 0) > 0),
    response_format: request.response_format?.type === 'json_schema' ? 'json_schema' : 'text',
    messages: messages.length,
    metadata: request.metadata ?? {},
    tenant,
  };
}
