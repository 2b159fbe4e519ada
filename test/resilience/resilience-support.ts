import type { ReceivedWebhook, SwitchyardStack } from '@switchyard/testing';
import { deleteKeys } from '@switchyard/testing';

/** The job every resilience suite runs: reasoning plans openai → anthropic → google. */
export const reasoning = (text = 'hello resilience', extra: Record<string, unknown> = {}) => ({
  task: 'reasoning',
  messages: [{ role: 'user', content: text }],
  ...extra,
});

export const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/**
 * Polls until `read` gives a value `ok` accepts. The deadline only turns a hang into a readable
 * failure; no test asserts how long anything took.
 */
export async function until<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
    last = await read();
  }
  return last;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A request's answer, or status 0 when none came within `ms` (a hung request, not a crash). */
export async function answerWithin<T extends { status: number }>(
  request: Promise<T>,
  ms: number,
): Promise<T | { status: 0; body: string }> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<{ status: 0; body: string }>((resolve) => {
    timer = setTimeout(() => resolve({ status: 0, body: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([request, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Calls the simulator received for a provider (counted on arrival, before any injected latency). */
export function simCalls(stack: SwitchyardStack, provider: string): number {
  return stack.sim.stats().providers[provider]?.total ?? 0;
}

/** The job's hash as stored in Redis (includes `finalized_by`, which the API does not show). */
export function rawJob(stack: SwitchyardStack, id: string): Promise<Record<string, string>> {
  return stack.redis.redis.hgetall(`${stack.redis.prefix}:job:${id}`);
}

/** Forgets every circuit of the stack, so one test's failures do not open circuits for the next. */
export function resetCircuits(stack: SwitchyardStack): Promise<void> {
  return deleteKeys(stack.redis.redis, `${stack.redis.prefix}:cb:*`);
}

/** Completion webhooks a receiver got, parsed: event type, job id and the message's webhook-id. */
export function completionEvents(
  received: ReceivedWebhook[],
): Array<{ type: string; jobId: string; webhookId: string; data: any }> {
  return received.map((r) => {
    const body = JSON.parse(r.rawBody) as { type: string; data: { id: string } };
    return {
      type: body.type,
      jobId: body.data.id,
      webhookId: String(r.headers['webhook-id']),
      data: body.data,
    };
  });
}

/** Job views for many ids, fetched with bounded concurrency. */
export function fetchJobs(stack: SwitchyardStack, ids: string[], concurrency = 25): Promise<any[]> {
  return pool(ids, concurrency, async (id) => (await stack.request('GET', `/v1/jobs/${id}`)).body);
}

/** Waits until every job is terminal (polling in bounded batches) and returns their views. */
export async function waitForAll(
  stack: SwitchyardStack,
  ids: string[],
  timeoutMs = 90_000,
): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, any>();
  while (done.size < ids.length) {
    const open = ids.filter((id) => !done.has(id));
    const views = await fetchJobs(stack, open);
    views.forEach((v, i) => {
      if (v && TERMINAL.includes(v.status)) done.set(open[i], v);
    });
    if (done.size === ids.length) break;
    if (Date.now() > deadline) {
      const stuck = open.filter((id) => !done.has(id));
      throw new Error(
        `${stuck.length} job(s) never ended, e.g. ${JSON.stringify(views.find((v) => v?.id === stuck[0]))}\n${stack.logs()}`,
      );
    }
    await sleep(250);
  }
  return ids.map((id) => done.get(id));
}
