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

/**
 * What a call cost by its reported usage: cached reads and cache writes at their own prices (the
 * input price when the table has none), the rest of the prompt at the input price.
 */
export function actualCostUsd(model: ModelConfig, usage: TokenUsage): number {
  const cached = Math.min(usage.cached_input_tokens ?? 0, usage.input_tokens);
  const written = Math.min(usage.cache_write_input_tokens ?? 0, usage.input_tokens - cached);
  const price = model.price;
  const usdPerMillion =
    (usage.input_tokens - cached - written) * price.input_per_mtok +
    cached * (price.cached_input_per_mtok ?? price.input_per_mtok) +
    written * (price.cache_write_per_mtok ?? price.input_per_mtok) +
    usage.output_tokens * price.output_per_mtok;
  return Math.round(usdPerMillion * 1e6) / 1e12;
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
