import type { JobEvent, JobEventLog, AttemptIdentity } from '@switchyard/jobs';
import type { CompletionDelta } from '@switchyard/providers';

/** How long deltas gather before they go to Redis together: a few ms, not a round trip per token. */
export const DELTA_FLUSH_MS = 10;

/**
 * How long a started attempt waits before it is marked running (its `attempt.started` event and
 * a `running` attempt record): a call that answers sooner, as most calls to a fast provider do,
 * writes the start with its outcome instead, one write where there were two.
 */
export const RUNNING_MARK_DELAY_MS = DELTA_FLUSH_MS;

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
 * The events of one running attempt on their way to the job's event stream. `attempt.started`
 * waits for the attempt's first write; deltas gather for DELTA_FLUSH_MS and go out coalesced, in
 * one command; every write is issued in call order on the stores' connection, so the stream keeps
 * the order of what happened, and whatever the attempt writes before the job's terminal
 * transition (issued later on the same connection) lands first.
 */
export class AttemptEventWriter {
  /** attempt.started, until the attempt's first write carries it */
  private head: JobEvent[] = [];
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

  /**
   * The attempt began: its `attempt.started` leaves with the first write that follows (the first
   * delta batch, the outcome, or a `flush` by the running mark). An attempt that ends unwritten
   * because its job ended first leaves nothing after the job's terminal event.
   */
  started(): void {
    this.head = [{ event: 'attempt.started', data: this.attempt }];
  }

  delta(delta: CompletionDelta): void {
    this.pending.push(delta);
    this.timer ??= setTimeout(() => this.flush(), DELTA_FLUSH_MS);
  }

  /** The attempt failed: what it streamed so far, then `attempt.failed`, in one command. */
  failed(error: { type: string; message: string }): Promise<void> {
    return this.flush([{ event: 'attempt.failed', data: { ...this.attempt, error } }]);
  }

  /** The attempt answered: whatever is still waiting goes out now. */
  finish(): Promise<void> {
    return this.flush();
  }

  /**
   * The job ended under the attempt (a cancel, its deadline): what still waits is dropped, so
   * nothing of the attempt lands after the job's terminal event.
   */
  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.head = [];
    this.pending = [];
  }

  /** Writes what waits (the start, gathered deltas) now, followed by `after`, in one command. */
  flush(after: JobEvent[] = []): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = [...this.head, ...coalesceDeltas(this.pending, this.attempt), ...after];
    if (this.pending.length > 0) this.wroteDeltas = true;
    this.head = [];
    this.pending = [];
    return this.write(events);
  }

  private write(events: JobEvent[]): Promise<void> {
    if (events.length === 0) return this.lastWrite;
    this.lastWrite = this.log.append(this.jobId, events).catch((err: Error) => this.onError(err));
    return this.lastWrite;
  }
}
