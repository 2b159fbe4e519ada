import { createHash, randomBytes } from 'node:crypto';
import type { MalformedKind } from '../scenario-types';
import type { WireResponse } from './wire-format';

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

const fingerprints = new Map<string, string>();

/** Stable per revision, so a revision rollout also changes the fingerprint, as it does upstream. */
export function fingerprintFor(revision: string): string {
  let fp = fingerprints.get(revision);
  if (!fp) {
    fp = `fp_${createHash('sha1').update(revision).digest('hex').slice(0, 10)}`;
    fingerprints.set(revision, fp);
  }
  return fp;
}

/** A 200 that is not the API's shape: JSON without the promised fields, or a body cut mid-JSON. */
export function malformedResponse(kind: MalformedKind, truncatedPrefix: string): WireResponse {
  if (kind === 'not_json') {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: truncatedPrefix };
  }
  return jsonResponse(200, {
    status: 'ok',
    note: 'simulated malformed response: not the API shape',
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Tool arguments as the wires that send an object (Anthropic `input`, Gemini `args`) carry them:
 * JSON text that is not an object still arrives as one.
 */
export function toolArgumentsObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : { value };
  } catch {
    return { unparsable: text };
  }
}

export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

/** One SSE frame: `data:` only (OpenAI, Gemini), or with an `event:` line (Anthropic). */
export function sseFrame(data: unknown, event?: string, separator = '\n\n'): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}${separator}`;
}

/** A 200 event stream whose frames are valid JSON of the wrong shape, or cut mid-JSON. */
export function malformedStreamResponse(
  kind: MalformedKind,
  truncatedFrame: string,
  event?: string,
): WireResponse {
  const body =
    kind === 'not_json'
      ? truncatedFrame
      : sseFrame({ status: 'ok', note: 'simulated malformed stream: not the API shape' }, event);
  return { status: 200, headers: { ...EVENT_STREAM_HEADERS }, body };
}
