import type Redis from 'ioredis';
import { jobKeys } from './job-keys';
import { APPEND_EVENTS } from './scripts/append-events.script';

/**
 * A job's event stream: a Redis Stream per job (`<prefix>:job:<id>:events`) that the workers
 * append to while an attempt runs and the terminal transition closes, read by
 * GET /v1/jobs/:id/events. Capped (MAXLEN ~) and expiring with the job.
 */

export const JOB_EVENT_NAMES = [
  'attempt.started',
  'attempt.revision',
  'delta',
  'attempt.failed',
  'job.succeeded',
  'job.failed',
] as const;
export type JobEventName = (typeof JOB_EVENT_NAMES)[number];

export const TERMINAL_EVENT_NAMES: readonly JobEventName[] = ['job.succeeded', 'job.failed'];

/** Entries kept per job (approximately: MAXLEN ~). Deltas are coalesced, so this is a lot of text. */
export const JOB_EVENTS_MAX_LEN = 10_000;

export interface AttemptIdentity {
  hop: number;
  try: number;
  provider: string;
  model: string;
}

/** A piece of a tool call as it streams: the first names it, the rest add to its JSON arguments. */
export interface ToolCallFragment {
  index: number;
  id?: string;
  name?: string;
  arguments: string;
}

export type JobEvent =
  | { event: 'attempt.started'; data: AttemptIdentity }
  /** The model revision the provider's stream names, before the attempt's first delta. */
  | { event: 'attempt.revision'; data: AttemptIdentity & { model_revision: string } }
  | { event: 'delta'; data: { text: string } | { tool_call: ToolCallFragment } }
  | {
      event: 'attempt.failed';
      data: AttemptIdentity & { error: { type: string; message: string } };
    }
  | { event: 'job.succeeded' | 'job.failed'; data: { status: string } };

/** One entry as read back: the stream entry id is the SSE `id:`. */
export interface JobEventEntry {
  id: string;
  event: JobEventName;
  data: unknown;
}

export function jobEventsKey(prefix: string, jobId: string): string {
  return jobKeys(prefix).events(jobId);
}

/** The terminal event a terminal status closes the stream with (a cancelled job ends as failed). */
export function terminalEventFor(status: string): 'job.succeeded' | 'job.failed' {
  return status === 'succeeded' ? 'job.succeeded' : 'job.failed';
}

type RawEntry = [id: string, fields: string[]];

function parseEntry([id, fields]: RawEntry): JobEventEntry {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  let data: unknown = null;
  try {
    data = record.data === undefined ? null : JSON.parse(record.data);
  } catch {
    data = null;
  }
  return { id, event: record.event as JobEventName, data };
}

export class JobEventLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds: number,
  ) {}

  key(jobId: string): string {
    return jobEventsKey(this.prefix, jobId);
  }

  /**
   * Appends the events in order, in one command. The stream's expiry is set by the batch that
   * opens an attempt (attempt.started) and again by the job's terminal transition; the batches in
   * between (deltas, a failure) ride on it, as an attempt lasts far less than the retention.
   */
  async append(jobId: string, events: readonly JobEvent[]): Promise<void> {
    if (events.length === 0) return;
    const args: string[] = [];
    let opensAttempt = false;
    for (const e of events) {
      args.push(e.event, JSON.stringify(e.data));
      if (e.event === 'attempt.started') opensAttempt = true;
    }
    await APPEND_EVENTS.run(this.redis, {
      keys: { events: this.key(jobId) },
      args: {
        max_len: JOB_EVENTS_MAX_LEN,
        retention_s: this.retentionSeconds,
        refresh_expiry: opensAttempt ? '1' : '0',
      },
      rest: args,
    });
  }

  /** Entries after `afterId` ('0-0' for all), at most `count`, without waiting. */
  async range(jobId: string, afterId: string, count: number): Promise<JobEventEntry[]> {
    const raw = (await this.redis.xrange(
      this.key(jobId),
      `(${afterId}`,
      '+',
      'COUNT',
      count,
    )) as RawEntry[];
    return raw.map(parseEntry);
  }

  /**
   * Entries after `afterId`, waiting up to `blockMs` for the first one: XREAD BLOCK, so only on a
   * connection of the caller's own that nothing else uses meanwhile. Empty when nothing came.
   */
  async follow(
    connection: Redis,
    jobId: string,
    afterId: string,
    count: number,
    blockMs: number,
  ): Promise<JobEventEntry[]> {
    const reply = (await connection.xread(
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.key(jobId),
      afterId,
    )) as Array<[key: string, entries: RawEntry[]]> | null;
    return reply?.[0]?.[1].map(parseEntry) ?? [];
  }
}
