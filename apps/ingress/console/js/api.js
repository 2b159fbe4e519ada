/**
 * The console's only way to the server: the public, tenant-scoped /v1 API with the key the user
 * typed, sent as a Bearer header (never in a URL, never logged). The key lives in sessionStorage:
 * it is gone when the browser session ends.
 */
const KEY_ITEM = 'switchyard.console.api_key';

export const settings = { open_mode: false, trace_url_template: null };

export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export function storedKey() {
  return sessionStorage.getItem(KEY_ITEM);
}

export function rememberKey(key) {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_ITEM);
}

let onUnauthorized = () => undefined;
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

export async function loadSettings() {
  const res = await fetch('/console/settings.json', { cache: 'no-store', credentials: 'omit' });
  Object.assign(settings, await res.json());
}

export async function api(path, params = {}, key = storedKey()) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '')
      url.searchParams.set(name, String(value));
  }
  const headers = { accept: 'application/json' };
  if (!settings.open_mode && key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(url, { headers, cache: 'no-store', credentials: 'omit' });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const error = body?.error ?? {};
    if (res.status === 401 && key === storedKey()) onUnauthorized();
    throw new ApiError(
      res.status,
      error.type ?? 'http_error',
      error.message ?? `HTTP ${res.status}`,
    );
  }
  return body;
}

export const hoursAgo = (n) => new Date(Date.now() - n * 3_600_000).toISOString();
export const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString();
