export type JsonObject = Record<string, unknown>;

/** Response bodies are checked rather than trusted: servers and proxies send other shapes too. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A usage field a server leaves out or garbles counts as 0 rather than failing a call that answered. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The optional cache fields of a TokenUsage, present only when the provider reported some. */
export function cacheCounts(
  cachedInput: number,
  cacheWrite: number,
): { cached_input_tokens?: number; cache_write_input_tokens?: number } {
  return {
    ...(cachedInput > 0 ? { cached_input_tokens: cachedInput } : {}),
    ...(cacheWrite > 0 ? { cache_write_input_tokens: cacheWrite } : {}),
  };
}
