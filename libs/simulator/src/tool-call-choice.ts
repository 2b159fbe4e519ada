import type { SimRequest, SimTool } from './wire/wire-format';

/** "call get_weather", "please call lookup_order now": the tool the prompt asks for, by name. */
const CALL_REQUEST = /\bcall\s+([A-Za-z_][A-Za-z0-9_-]*)/i;

/**
 * Which tool, if any, the simulated model calls. Deterministic: a forced choice (`{name}`) always
 * calls that tool; otherwise the model calls the tool the last user message names ("call <tool>"),
 * `required` falling back to the first tool offered. Once tool results come back, it answers in
 * text unless the choice forces another call; `none` never calls.
 */
export function chooseToolCall(request: SimRequest): SimTool | undefined {
  const tools = request.tools ?? [];
  const choice = request.toolChoice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return undefined;
  if (typeof choice === 'object') return tools.find((t) => t.name === choice.name);
  const asked = CALL_REQUEST.exec(request.lastUserText)?.[1];
  const named = tools.find((t) => t.name === asked);
  if (choice === 'required') return named ?? tools[0];
  return request.toolResultText === undefined ? named : undefined;
}
