/**
 * What the CLI commands that talk to a running stack share: their common flags (--url, --key),
 * one JSON request with a clear error.
 */
export interface TextOutput {
  write(text: string): unknown;
}

/** A command line that cannot be run: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

/** The flags every stack command takes: where the stack is (--url) and the key (--key). */
export function readStackFlag(
  arg: string,
  value: () => string,
  target: { url: string; key?: string },
): boolean {
  if (arg === '--url') {
    target.url = value().replace(/\/+$/, '');
    if (!/^https?:\/\//.test(target.url)) throw new UsageError('--url must be an http(s) URL');
    return true;
  }
  if (arg === '--key') {
    target.key = value();
    return true;
  }
  return false;
}

export function flagValue(argv: readonly string[], at: { i: number }, flag: string): () => string {
  return () => {
    const v = argv[++at.i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
}

/**
 * A command's arguments, or the exit code once its usage went out: 0 after --help (on stdout), 2
 * after a UsageError (the message and the usage on stderr).
 */
export function parseCommandLine<T>(
  parse: () => T | 'help',
  usage: string,
  out: TextOutput,
  err: TextOutput,
): T | number {
  let args: T | 'help';
  try {
    args = parse();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`${e.message}\n${usage}\n`);
    return 2;
  }
  if (args === 'help') {
    out.write(`${usage}\n`);
    return 0;
  }
  return args;
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
