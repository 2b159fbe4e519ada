import { createHash } from 'node:crypto';
import type { ChatMessage, ContentPart } from '@switchyard/providers';
import { stableJson } from '../idempotency-store';
import type { JobRequest } from '../job.types';

/** Bumped when the normalization below changes, so old entries are simply never found again. */
const KEY_FORMAT = 1;

/** What identifies a request to the response cache, once normalized. */
export interface CacheKeyInput {
  tenant: string;
  task: string;
  /** The routing-table version of the task (and of the tenant's entry): see routingVersion */
  routing_version: string;
  request: JobRequest;
}

/**
 * The part of a request that decides the answer, in one canonical form: messages (a content that
 * is a single text part is the same as that text), response_format, tools, tool_choice,
 * temperature and max_tokens. Everything else (metadata, webhook_url, budget) is left out: it
 * changes where the answer goes or what it may cost, not what it says. Object keys are sorted and
 * absent fields dropped (stableJson), so key order and `undefined` never split an entry.
 */
export function normalizedCacheRequest(request: JobRequest): unknown {
  return {
    messages: request.messages.map(normalizedMessage),
    response_format:
      request.response_format?.type === 'json_schema'
        ? { type: 'json_schema', schema: request.response_format.schema }
        : undefined,
    tools: request.tools?.length ? request.tools : undefined,
    tool_choice: request.tools?.length ? request.tool_choice : undefined,
    temperature: request.temperature,
    max_tokens: request.max_tokens,
  };
}

/** The cache key: a SHA-256 over tenant, task, routing version and the normalized request. */
export function responseCacheKey(input: CacheKeyInput): string {
  return createHash('sha256')
    .update(
      stableJson({
        v: KEY_FORMAT,
        tenant: input.tenant,
        task: input.task,
        routing_version: input.routing_version,
        request: normalizedCacheRequest(input.request),
      }),
    )
    .digest('hex');
}

/**
 * A fingerprint of configuration (a task's entry, a tenant's entry): any change to it, even a
 * retry setting, starts a fresh set of cache entries, which is safer than guessing which settings
 * cannot change an answer.
 */
export function routingVersion(...configs: unknown[]): string {
  return createHash('sha256').update(stableJson(configs)).digest('hex').slice(0, 16);
}

function normalizedMessage(message: ChatMessage): unknown {
  return {
    role: message.role,
    content: normalizedContent(message.content),
    tool_calls: message.tool_calls?.length ? message.tool_calls : undefined,
    tool_call_id: message.tool_call_id,
  };
}

function normalizedContent(content: ChatMessage['content']): unknown {
  if (typeof content === 'string') return content;
  const parts = content as readonly ContentPart[];
  if (parts.length === 1 && parts[0].type === 'text') return parts[0].text;
  return parts;
}
