import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

/**
 * A body refused while it is read. The fields are body-parser's (http-errors), which the API's
 * exception filter maps to its error shape: `entity.parse.failed` (400 invalid_json),
 * `entity.too.large` (413), `charset.unsupported` and `encoding.unsupported` (415), and zlib's
 * `Z_*` code for a body that does not decompress (400).
 */
export class BodyReadError extends Error {
  readonly statusCode: number;

  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    extra: { limit?: number; charset?: string; encoding?: string; code?: string } = {},
  ) {
    super(message);
    this.statusCode = status;
    Object.assign(this, extra);
  }
}

/** The charset of a media type's parameters, lower-cased; utf-8 when it names none. */
export function charsetOf(contentType: string | undefined): string {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return (match?.[1] ?? 'utf-8').toLowerCase();
}

/** What undoes each Content-Encoding a body may arrive in (body-parser's set). A Map: a header of
 * `constructor` must find nothing, not Object's prototype. */
const INFLATERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

function contentEncodingOf(req: IncomingMessage): string {
  return String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
}

/** The stream that undoes the body's Content-Encoding; an unknown encoding is refused. */
function decoded(encoding: string, payload: Readable): Readable {
  if (encoding === 'identity') return payload;
  const inflate = INFLATERS.get(encoding);
  if (!inflate) {
    const problem = `unsupported content encoding "${encoding}"`;
    throw new BodyReadError(415, 'encoding.unsupported', problem, { encoding });
  }
  const inflater = inflate();
  payload.on('error', (err) => inflater.destroy(err));
  return payload.pipe(inflater);
}

/**
 * Reads off what is left of a refused request before the refusal is answered, as body-parser
 * does: Fastify closes the connection after a body error, and a client still sending would get a
 * broken pipe instead of the answer.
 */
function drained(payload: Readable): Promise<void> {
  if (payload.readableEnded || payload.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    payload.once('end', resolve);
    payload.once('close', resolve);
    payload.once('error', () => resolve());
    payload.resume();
  });
}

/** Reads a whole body, at most `limit` bytes once decoded; a body over it is refused mid-read. */
async function readBody(req: IncomingMessage, payload: Readable, limit: number): Promise<Buffer> {
  const encoding = contentEncodingOf(req);
  const declared = Number(req.headers['content-length']);
  if (encoding === 'identity' && Number.isFinite(declared) && declared > limit) {
    throw tooLarge(limit);
  }
  // Compressed, the declared length says nothing of the body's size: the limit counts what comes
  // out of the inflater, as body-parser's does.
  const stream = decoded(encoding, payload);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    stream.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      refused = true;
      // An inflater stops at once (a small body may inflate without end); the request itself is
      // read off by the caller.
      if (stream !== payload) {
        payload.unpipe();
        stream.destroy();
      }
      reject(tooLarge(limit));
    });
    stream.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (refused) return;
      if (stream !== payload) payload.unpipe();
      if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
        reject(new BodyReadError(400, 'encoding.failed', err.message, { code: err.code }));
      } else {
        reject(err);
      }
    });
  });
}

/** The JSON body of a request, or its refusal, given once the request is read off. */
async function readJsonBody(
  req: IncomingMessage,
  payload: Readable,
  limit: number,
): Promise<unknown> {
  try {
    const charset = charsetOf(req.headers['content-type']);
    if (!decodable(charset)) {
      throw new BodyReadError(415, 'charset.unsupported', `unsupported charset "${charset}"`, {
        charset,
      });
    }
    const buffer = await readBody(req, payload, limit);
    const text =
      charset === 'utf-8' || charset === 'utf8'
        ? buffer.toString('utf8')
        : new TextDecoder(charset).decode(buffer);
    return parseJsonBody(text);
  } catch (err) {
    await drained(payload);
    throw err;
  }
}

function tooLarge(limit: number): BodyReadError {
  return new BodyReadError(413, 'entity.too.large', 'request entity too large', { limit });
}

/** A UTF charset that TextDecoder knows (body-parser takes the UTF family only). */
function decodable(charset: string): boolean {
  if (charset === 'utf8') return true;
  if (!charset.startsWith('utf-')) return false;
  try {
    new TextDecoder(charset);
    return true;
  } catch {
    return false;
  }
}

/** body-parser's `strict`: only an object or an array is a JSON body; empty means `{}`. */
export function parseJsonBody(text: string): unknown {
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') {
    throw new BodyReadError(
      400,
      'entity.parse.failed',
      'a JSON body must be an object or an array',
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyReadError(400, 'entity.parse.failed', (err as Error).message);
  }
}

/**
 * The bodies every Switchyard process reads: JSON (`application/json`) of at most `limit` bytes
 * once decoded, in a UTF charset, plain or gzip/deflate/br encoded. Any other media type is read
 * and dropped (the body is undefined), which the routes' validation then names, rather than a
 * 415 before the route speaks.
 */
export function registerBodyParsers(fastify: FastifyInstance, limit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { bodyLimit: Number.MAX_SAFE_INTEGER },
    (req, payload, done) => {
      readJsonBody(req.raw, payload, limit).then(
        (body) => done(null, body),
        (err: Error) => done(err, undefined),
      );
    },
  );
  fastify.addContentTypeParser(
    '*',
    { bodyLimit: Number.MAX_SAFE_INTEGER },
    (_req, payload, done) => {
      payload.on('error', (err) => done(err, undefined));
      payload.on('end', () => done(null, undefined));
      payload.resume();
    },
  );
}
