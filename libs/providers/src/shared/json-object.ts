export type JsonObject = Record<string, unknown>;

/** Response bodies are checked rather than trusted: servers and proxies send other shapes too. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A usage field a server leaves out or garbles counts as 0 rather than failing a call that answered. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
