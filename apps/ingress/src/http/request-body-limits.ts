import { SCHEMA_MAX_BYTES } from '@switchyard/schemas';

/**
 * What one job body may hold. Checked on the parsed JSON before any DTO is built, so a body
 * at the byte limit costs one pass over it before its shape is validated.
 */
export const JOB_BODY_LIMITS = {
  /** Objects and arrays nested inside one another, counting the body itself */
  maxDepth: 64,
  maxMessages: 1000,
  maxPartsPerMessage: 100,
  maxSchemaBytes: SCHEMA_MAX_BYTES,
} as const;

/** Keys that JavaScript objects treat specially; a client sending one is told, not ignored. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface BodyLimitViolation {
  status: 400 | 413;
  field: string;
  problem: string;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number;
}

function pathOf(frame: Frame): string {
  const keys: Array<string | number> = [];
  for (let f: Frame | null = frame; f && f.parent; f = f.parent) keys.push(f.key);
  return keys
    .reverse()
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`))
    .join('');
}

/** Nesting too deep or a reserved key, found iteratively (a recursive walk would itself overflow). */
function structureViolation(body: unknown, maxDepth: number): BodyLimitViolation | null {
  const stack: Frame[] = [{ value: body, depth: 1, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const { value, depth } = frame;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) {
      return {
        status: 400,
        field: pathOf(frame),
        problem: `nests deeper than ${maxDepth} levels of objects and arrays`,
      };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i], depth: depth + 1, parent: frame, key: i });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) {
        const field = pathOf({ value: null, depth, parent: frame, key });
        return { status: 400, field, problem: `"${key}" is a reserved key and is not accepted` };
      }
      stack.push({
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        parent: frame,
        key,
      });
    }
  }
  return null;
}

/**
 * The first limit a job body (POST /v1/jobs, /v1/routes/:task/plan) breaks, or null. Counts
 * come first: a 300,000-message body is refused after reading one array length.
 */
export function jobBodyViolation(
  body: unknown,
  limits: typeof JOB_BODY_LIMITS = JOB_BODY_LIMITS,
): BodyLimitViolation | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const { messages, response_format } = body as Record<string, unknown>;
  if (Array.isArray(messages)) {
    if (messages.length > limits.maxMessages) {
      return {
        status: 413,
        field: 'messages',
        problem: `at most ${limits.maxMessages} messages per job (got ${messages.length})`,
      };
    }
    for (let i = 0; i < messages.length; i++) {
      const content = (messages[i] as { content?: unknown } | null)?.content;
      if (Array.isArray(content) && content.length > limits.maxPartsPerMessage) {
        return {
          status: 413,
          field: `messages[${i}].content`,
          problem: `at most ${limits.maxPartsPerMessage} parts per message (got ${content.length})`,
        };
      }
    }
  }
  const structural = structureViolation(body, limits.maxDepth);
  if (structural) return structural;
  const schema = (response_format as { schema?: unknown } | null)?.schema;
  if (schema !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(schema));
    if (bytes > limits.maxSchemaBytes) {
      return {
        status: 413,
        field: 'response_format.schema',
        problem: `at most ${limits.maxSchemaBytes} bytes as JSON (got ${bytes})`,
      };
    }
  }
  return null;
}
