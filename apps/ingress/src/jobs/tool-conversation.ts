import type { ChatMessage, ToolChoice, ToolDefinition } from '@switchyard/providers';
import { schemaShapeProblems } from '@switchyard/schemas';
import type { ErrorDetail } from '../http/api-error';

export interface ToolConversation {
  messages: readonly ChatMessage[];
  tools?: readonly ToolDefinition[];
  tool_choice?: ToolChoice;
}

function toolProblems(tools: readonly ToolDefinition[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  tools.forEach((tool, i) => {
    if (seen.has(tool.name))
      details.push({ field: `tools[${i}].name`, problem: `duplicate tool name "${tool.name}"` });
    seen.add(tool.name);
    if (tool.parameters.type !== 'object') {
      details.push({
        field: `tools[${i}].parameters`,
        problem: 'must be an object schema ("type": "object"): arguments are named',
      });
      return;
    }
    // Shape-checked, not compiled: the worker compiles each distinct schema once.
    for (const p of schemaShapeProblems(tool.parameters)) {
      details.push({ field: `tools[${i}].parameters${p.path}`, problem: p.problem });
    }
  });
  return details;
}

/**
 * The checks a body's shape cannot make field by field: tool names unique and known, schemas that
 * compile, and a conversation every provider accepts: each assistant turn of tool calls followed
 * by one tool message per call (by id, before anything else), no result without its call.
 */
export function toolConversationProblems(request: ToolConversation): ErrorDetail[] {
  const tools = request.tools ?? [];
  const details = toolProblems(tools);
  const names = new Set(tools.map((t) => t.name));
  const choice = request.tool_choice;
  if (choice !== undefined && tools.length === 0)
    details.push({ field: 'tool_choice', problem: 'needs tools to choose from' });
  else if (typeof choice === 'object' && !names.has(choice.name))
    details.push({
      field: 'tool_choice.name',
      problem: `names no tool in tools ("${choice.name}")`,
    });

  const ids = new Set<string>();
  /** Calls of the last assistant turn still waiting for their result, by id → where they are. */
  let awaiting = new Map<string, string>();
  const reportUnanswered = () => {
    for (const where of awaiting.values())
      details.push({ field: `${where}.id`, problem: 'has no tool message answering it' });
    awaiting = new Map();
  };
  let toolsNeeded = false;
  request.messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    if (message.role === 'tool') {
      const id = message.tool_call_id ?? '';
      if (!awaiting.has(id)) {
        details.push({
          field: `${at}.tool_call_id`,
          problem: ids.has(id)
            ? `answers tool call "${id}", which is not awaiting a result here`
            : `matches no tool call of an earlier assistant message ("${id}")`,
        });
      }
      awaiting.delete(id);
      if (typeof message.content !== 'string')
        details.push({ field: `${at}.content`, problem: 'must be a string in a tool message' });
      return;
    }
    reportUnanswered();
    if (message.tool_call_id !== undefined)
      details.push({
        field: `${at}.tool_call_id`,
        problem: 'only tool messages answer a tool call',
      });
    if (!message.tool_calls) return;
    if (message.role !== 'assistant') {
      details.push({
        field: `${at}.tool_calls`,
        problem: 'only assistant messages carry tool calls',
      });
      return;
    }
    toolsNeeded = true;
    message.tool_calls.forEach((call, j) => {
      const where = `${at}.tool_calls[${j}]`;
      if (ids.has(call.id))
        details.push({ field: `${where}.id`, problem: `duplicate tool call id "${call.id}"` });
      ids.add(call.id);
      awaiting.set(call.id, where);
      if (tools.length > 0 && !names.has(call.name))
        details.push({
          field: `${where}.name`,
          problem: `names no tool in tools ("${call.name}")`,
        });
    });
  });
  reportUnanswered();
  if (toolsNeeded && tools.length === 0)
    details.push({
      field: 'tools',
      problem: 'is required when messages carry tool calls (providers need the definitions)',
    });
  return details;
}
