import type { ScriptedReply } from './scenario-types';
import { sampleFromSchema, violateSchema } from './schema-sample';
import { IMAGE_TOKENS, estimateTokens } from './token-estimate';
import type { SimFinish, SimReply, SimRequest } from './wire/wire-format';

export interface ReplyPlan {
  scripted?: ScriptedReply;
  /** Answer JSON-schema requests with JSON that violates the schema. */
  breakSchema: boolean;
  contentFilter: boolean;
  revision: string;
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
  return plan.scripted?.reply ?? `echo: ${request.lastUserText}`;
}

function toolInputFrom(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}

/** The deterministic answer to one call: echo, scripted reply or schema sample, with usage. */
export function planReply(request: SimRequest, plan: ReplyPlan): SimReply {
  const inputTokens = estimateTokens(request.inputChars) + request.imageCount * IMAGE_TOKENS;
  let finish: SimFinish = plan.contentFilter ? 'content_filter' : (plan.scripted?.finish ?? 'stop');
  if (finish === 'content_filter') {
    return { text: '', finish, inputTokens, outputTokens: 0, revision: plan.revision };
  }
  let text = answerText(request, plan);
  let outputTokens = estimateTokens(text.length);
  if (request.maxTokens !== undefined && outputTokens > request.maxTokens) {
    text = text.slice(0, request.maxTokens * 4);
    outputTokens = request.maxTokens;
    finish = 'length';
  }
  const toolInput = request.forcedTool !== undefined ? toolInputFrom(text) : undefined;
  return { text, finish, toolInput, inputTokens, outputTokens, revision: plan.revision };
}
