/** What the CLI commands that talk to a running stack share: one JSON request with a clear error. */
export interface TextOutput {
  write(text: string): unknown;
}

export class StackRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface StackClient {
  url: string;
  key?: string;
  fetchImpl: typeof fetch;
}

export async function stackRequest<T>(
  client: StackClient,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await client.fetchImpl(`${client.url}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(client.key ? { authorization: `Bearer ${client.key}` } : {}),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new StackRequestError(
      `cannot reach ${client.url} (${(e as Error).message}); is the stack running (npm start)?`,
    );
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      const error = (JSON.parse(text) as { error?: { message?: string } }).error;
      message = error?.message ?? text;
    } catch {
      // not JSON: the text as it came
    }
    throw new StackRequestError(`${method} ${path} answered ${res.status}: ${message}`, res.status);
  }
  return JSON.parse(text) as T;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
