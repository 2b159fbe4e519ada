/** tool_choice is a string or an object naming one tool. */
export function toolChoiceProblem(value: unknown): string | null {
  if (value === 'auto' || value === 'none' || value === 'required') return null;
  if (typeof value === 'string') return 'must be "auto", "none", "required" or {"name": "<tool>"}';
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return 'must be "auto", "none", "required" or {"name": "<tool>"}';
  const keys = Object.keys(value);
  const name = (value as { name?: unknown }).name;
  if (typeof name !== 'string' || name === '')
    return 'must be "auto", "none", "required" or {"name": "<tool>"}';
  const extra = keys.find((k) => k !== 'name');
  return extra === undefined ? null : `must have only "name" (not "${extra}")`;
}
