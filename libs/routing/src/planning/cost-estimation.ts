import type { ChatMessage, TokenUsage } from '@switchyard/providers';
import { DEFAULT_ESTIMATE_MAX_TOKENS } from '../routing-defaults';
import type { ModelConfig, TaskConfig } from '../routing-table.types';

/**
 * Token estimates made before a call, without a tokenizer: about four characters per token for
 * English text (OpenAI's and Anthropic's rule of thumb), and a flat 1000 tokens per image, roughly
 * what a 1024x1024 image costs at high detail on the major providers. Estimates only decide which
 * candidates are worth trying and how much budget to reserve; the bill uses the reported usage.
 */
export const CHARS_PER_TOKEN = 4;
export const TOKENS_PER_IMAGE = 1000;

/** Input assumed for a "typical" job when checking a routes file (there is no job yet). */
export const NOMINAL_INPUT_TOKENS = 1000;

export function estimateInputTokens(messages: readonly ChatMessage[]): number {
  let chars = 0;
  let images = 0;
  for (const message of messages) {
    if (typeof message.content === 'string') {
      chars += message.content.length;
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'text') chars += part.text.length;
      else images += 1;
    }
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + images * TOKENS_PER_IMAGE;
}

export function estimateCostUsd(
  model: ModelConfig,
  inputTokens: number,
  maxTokens: number,
): number {
  return tokensCostUsd(model, inputTokens, maxTokens);
}

export function actualCostUsd(model: ModelConfig, usage: TokenUsage): number {
  return tokensCostUsd(model, usage.input_tokens, usage.output_tokens);
}

/**
 * The job's own max_tokens, else the task's default, else 4096; never more than the model can
 * write (`max_output_tokens`): providers refuse a larger max_tokens as a bad request, which would
 * fail a job another model, or this one with the cap, serves fine.
 */
export function maxTokensFor(
  model: ModelConfig,
  task: Pick<TaskConfig, 'max_tokens'>,
  jobMaxTokens?: number,
): number {
  return Math.min(
    model.max_output_tokens,
    jobMaxTokens ?? task.max_tokens ?? DEFAULT_ESTIMATE_MAX_TOKENS,
  );
}

function tokensCostUsd(model: ModelConfig, inputTokens: number, outputTokens: number): number {
  const usdPerMillion =
    inputTokens * model.price.input_per_mtok + outputTokens * model.price.output_per_mtok;
  // Prices are per million tokens; rounding to 1e-12 USD drops binary floating-point noise.
  return Math.round(usdPerMillion * 1e6) / 1e12;
}
