import type { ProviderKind } from '@switchyard/providers';
import {
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  GEN_AI_PROVIDER_NAME_VALUE_COHERE,
  GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEN_AI,
  GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY,
  GEN_AI_PROVIDER_NAME_VALUE_X_AI,
} from './gen-ai-semconv';

/** Routing-table provider names that have a well-known semconv value. */
const BY_PROVIDER_NAME: Record<string, string> = {
  openai: GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  anthropic: GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  google: GEN_AI_PROVIDER_NAME_VALUE_GCP_GEN_AI,
  gemini: GEN_AI_PROVIDER_NAME_VALUE_GCP_GEN_AI,
  groq: GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  mistral: GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
  perplexity: GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY,
  deepseek: GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK,
  xai: GEN_AI_PROVIDER_NAME_VALUE_X_AI,
  cohere: GEN_AI_PROVIDER_NAME_VALUE_COHERE,
};

/**
 * gen_ai.provider.name for a routing-table provider. A known name wins; otherwise an anthropic or
 * google kind says who serves the call. The openai kinds speak a protocol many vendors implement,
 * so for an unknown name the name itself is more truthful than "openai".
 */
export function genAiProviderName(provider: string, kind?: ProviderKind): string {
  const known = BY_PROVIDER_NAME[provider.toLowerCase()];
  if (known) return known;
  if (kind === 'anthropic') return GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC;
  if (kind === 'google') return GEN_AI_PROVIDER_NAME_VALUE_GCP_GEN_AI;
  return provider;
}
