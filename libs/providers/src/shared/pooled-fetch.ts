import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';

/** What the SDKs hand their `fetch`: a URL string (or URL/Request) and a plain init. */
type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = Parameters<typeof fetch>[1];

export interface PooledFetchOptions {
  /** Idle keep-alive sockets are closed after this long (ms). */
  keepAliveTimeoutMs?: number;
  /** Sockets per origin; undefined = no cap (the worker's concurrency is the cap). */
  connections?: number;
}

/** Bodies the SDKs send for JSON calls; anything else (multipart uploads) goes through `fetch`. */
function plainBody(body: NonNullable<FetchInit>['body']): string | Uint8Array | null | undefined {
  if (body === undefined || body === null) return body;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

function headerRecord(headers: NonNullable<FetchInit>['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers || Array.isArray(headers)) {
    for (const [name, value] of headers as Iterable<[string, string]>) out[name] = value;
    return out;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}

function responseHeaders(raw: Dispatcher.ResponseData['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for the provider SDKs built on `undici.request` over one pooled keep-alive Agent.
 * Node's built-in fetch runs the whole WHATWG fetch algorithm per call (Request objects, header
 * guards, body extraction), which the reference profile puts at several times the CPU of a plain
 * `undici.request`; the SDKs only need status, headers and a body stream. The answer is still a
 * real `Response`, so every SDK reads it as it reads fetch's. Redirects are not followed (provider
 * APIs do not redirect, and following one would leave the configured base URL); the SDK's abort
 * signal (the attempt's deadline, a cancel) aborts the request and its body.
 */
export function createPooledFetch(options: PooledFetchOptions = {}): typeof fetch {
  const dispatcher = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connections: options.connections ?? null,
  });
  const pooled = async (input: FetchInput, init?: FetchInit): Promise<Response> => {
    const body = plainBody(init?.body);
    if (typeof input !== 'string' && !(input instanceof URL)) return fetch(input, init);
    if (body === undefined && init?.body !== undefined) return fetch(input, init);
    const method = (init?.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod;
    const answer = await request(input, {
      method,
      headers: headerRecord(init?.headers),
      body: body ?? null,
      signal: init?.signal ?? undefined,
      dispatcher,
    });
    const status = answer.statusCode;
    const webBody =
      method === 'HEAD' || NULL_BODY_STATUS.has(status)
        ? null
        : (Readable.toWeb(answer.body) as ReadableStream<Uint8Array>);
    if (webBody === null) answer.body.resume();
    return new Response(webBody, { status, headers: responseHeaders(answer.headers) });
  };
  return pooled as typeof fetch;
}
