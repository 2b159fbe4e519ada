import type { ScriptedReply } from './scenario-types';
import { sampleFromSchema, violateSchema } from './schema-sample';
import { IMAGE_TOKENS, estimateTokens } from './token-estimate';
import type { SimFinish, SimReply, SimRequest, SimTool } from './wire/wire-format';

export interface ReplyPlan {
  scripted?: ScriptedReply;
  /** Answer JSON-schema requests with JSON that violates the schema. */
  breakSchema: boolean;
  contentFilter: boolean;
  revision: string;
  /** The tool the model calls instead of answering in text (see chooseToolCall). */
  tool?: SimTool;
}

function answerText(request: SimRequest, plan: ReplyPlan): string {
  if (request.schema) {
    if (plan.breakSchema) return violateSchema(request.schema);
    const value =
      plan.scripted && 'json' in plan.scripted
        ? plan.scripted.json
        : sampleFromSchema(request.schema);
    return JSON.stringify(value);
  }
  if (plan.scripted?.reply !== undefined) return plan.scripted.reply;
  return request.toolResultText !== undefined
    ? `tool result: ${request.toolResultText}`
    : `echo: ${request.lastUserText}`;
}

function toolArguments(tool: SimTool, plan: ReplyPlan): string {
  return plan.breakSchema
    ? violateSchema(tool.schema)
    : JSON.stringify(sampleFromSchema(tool.schema));
}

/**
 * The deterministic answer to one call: a tool call, echo, scripted reply, schema sample or the
 * answer to tool results, with usage.
 */
export function planReply(request: SimRequest, plan: ReplyPlan): SimReply {
  const inputTokens = estimateTokens(request.inputChars) + request.imageCount * IMAGE_TOKENS;
  let finish: SimFinish = plan.contentFilter ? 'content_filter' : (plan.scripted?.finish ?? 'stop');
  if (finish === 'content_filter') {
    return { text: '', finish, inputTokens, outputTokens: 0, revision: plan.revision };
  }
  if (plan.tool) {
    const argumentsText = toolArguments(plan.tool, plan);
    return {
      text: '',
      finish: 'stop',
      toolCalls: [{ name: plan.tool.name, argumentsText }],
      inputTokens,
      outputTokens: estimateTokens(plan.tool.name.length + argumentsText.length),
      revision: plan.revision,
    };
  }
  let text = answerText(request, plan);
  let outputTokens = estimateTokens(text.length);
  if (request.maxTokens !== undefined && outputTokens > request.maxTokens) {
    text = text.slice(0, request.maxTokens * 4);
    outputTokens = request.maxTokens;
    finish = 'length';
  }
  return { text, finish, inputTokens, outputTokens, revision: plan.revision };
}
