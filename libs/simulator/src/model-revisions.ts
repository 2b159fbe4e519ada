/** What each public model name resolves to on the real APIs (the string they report back). */
export const DEFAULT_REVISIONS: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
  'gemini-2.5-flash': 'gemini-2.5-flash-001',
  'gemini-2.5-pro': 'gemini-2.5-pro-001',
  'gemini-2.5-flash-lite': 'gemini-2.5-flash-lite-001',
  'gemini-2.0-flash': 'gemini-2.0-flash-001',
};

/** Names that already pin a revision (a date or a -NNN suffix) are served as they are. */
const PINNED = /(-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{3})$/;

export function defaultRevisionFor(model: string, overrides: Record<string, string> = {}): string {
  return (
    overrides[model] ??
    DEFAULT_REVISIONS[model] ??
    (PINNED.test(model) ? model : `${model}-sim-001`)
  );
}
