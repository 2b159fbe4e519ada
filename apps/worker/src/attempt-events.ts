import type { JobEvent, JobEventLog, AttemptIdentity } from '@switchyard/jobs';
import type { CompletionDelta } from '@switchyard/providers';

/** How long deltas gather before they go to Redis together: a few ms, not a round trip per token. */
export const DELTA_FLUSH_MS = 10;

/**
 * The deltas gathered since the last write, as few `delta` events as keep their order: consecutive
 * text is one event, and consecutive fragments of one tool call are one `tool_call` fragment. The
 * serving revision, named once before the answer, is an `attempt.revision` event of the attempt.
 */
export function coalesceDeltas(
  deltas: readonly CompletionDelta[],
  attempt: AttemptIdentity,
): JobEvent[] {
  const events: JobEvent[] = [];
  for (const delta of deltas) {
    const last = events.at(-1)?.data;
    if (delta.type === 'model_revision') {
      events.push({
        event: 'attempt.revision',
        data: { ...attempt, model_revision: delta.model_revision },
      });
      continue;
    }
    if (delta.type === 'text') {
      if (delta.text === '') continue;
      if (last && 'text' in last) last.text += delta.text;
      else events.push({ event: 'delta', data: { text: delta.text } });
      continue;
    }
    const { type: _type, ...fragment } = delta;
    if (last && 'tool_call' in last && last.tool_call.index === delta.index) {
      last.tool_call.arguments += delta.arguments;
      last.tool_call.id ??= delta.id;
      last.tool_call.name ??= delta.name;
    } else {
      events.push({ event: 'delta', data: { tool_call: withoutUndefined(fragment) } });
    }
  }
  return events;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The events of one running attempt on their way to the job's event stream. Deltas gather for
 * DELTA_FLUSH_MS and go out coalesced, in one command; every write is issued in call order on the
 * stores' connection, so the stream keeps the order of what happened, and whatever the attempt
 * writes before the job's terminal transition (issued later on the same connection) lands first.
 */
export class AttemptEventWriter {
  private pending: CompletionDelta[] = [];
  private timer?: NodeJS.Timeout;
  private lastWrite: Promise<void> = Promise.resolve();
  private wroteDeltas = false;

  constructor(
    private readonly log: JobEventLog,
    private readonly jobId: string,
    private readonly attempt: AttemptIdentity,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Whether any delta of this attempt has been written (or is on its way). */
  get sentDeltas(): boolean {
    return this.wroteDeltas;
  }

  started(): void {
    this.write([{ event: 'attempt.started', data: this.attempt }]);
  }

  delta(delta: CompletionDelta): void {
    this.pending.push(delta);
    this.timer ??= setTimeout(() => this.flush(), DELTA_FLUSH_MS);
  }

  /** The attempt failed: what it streamed so far, then `attempt.failed`, in one command. */
  failed(error: { type: string; message: string }): Promise<void> {
    return this.flush([{ event: 'attempt.failed', data: { ...this.attempt, error } }]);
  }

  /** The attempt answered: whatever deltas are still gathering go out now. */
  finish(): Promise<void> {
    return this.flush();
  }

  private flush(after: JobEvent[] = []): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = [...coalesceDeltas(this.pending, this.attempt), ...after];
    if (this.pending.length > 0) this.wroteDeltas = true;
    this.pending = [];
    return this.write(events);
  }

  private write(events: JobEvent[]): Promise<void> {
    if (events.length === 0) return this.lastWrite;
    this.lastWrite = this.log.append(this.jobId, events).catch((err: Error) => this.onError(err));
    return this.lastWrite;
  }
}
