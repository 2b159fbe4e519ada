/** The slice of NestJS's Logger the webhook code uses, so callers can pass their own. */
export interface WebhookLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Origin and path only: query strings and userinfo of webhook URLs often carry tokens. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
