/**
 * Builds the key paths issues are reported at. Names that are plain identifiers join with a dot
 * (`tasks.chat.retry`); anything else, such as a model id with a slash or a dot, is quoted
 * (`models["openai/gpt-4.1"].price`) so the path stays unambiguous.
 */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function childPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
