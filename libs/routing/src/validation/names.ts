/**
 * Provider and task names end up in queue names (`provider-<name>`) and Redis keys, so they are
 * kept to characters that are safe in both.
 */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function nameProblem(
  kind: 'provider' | 'task' | 'tenant',
  name: string,
): string | undefined {
  if (SAFE_NAME.test(name)) return undefined;
  return `${kind} names may contain only letters, digits, "-" and "_" (and must start with a letter or digit)`;
}

/** `openai/gpt-4o` -> provider `openai`, model `gpt-4o`; the model part may itself hold slashes. */
export function splitModelId(id: string): { provider: string; model: string } | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return undefined;
  return { provider: id.slice(0, slash), model: id.slice(slash + 1) };
}
