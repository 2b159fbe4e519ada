import type { AttemptIdentity, JobEventEntry, JobView, ToolCallFragment } from '@switchyard/jobs';
import {
  attemptsThatRan,
  chunk,
  closingChunks,
  firstChunk,
  toChunkDelta,
  toOpenAiToolCalls,
  type ChatCompletionChunk,
  type ChunkIdentity,
} from './chat-completion-response';
import { fromFailedJob, streamCutError, type OpenAiErrorBody } from './openai-error';

/**
 * What the HTTP side of a streamed chat completion does next, decided from the job's events.
 * Pure: the controller only writes what these say.
 *
 * - `headers`: the status line and the `x-switchyard-*` headers go out now. They are held back
 *   until the first delta (so they name the attempt whose chunks follow) or until the keep-alive
 *   interval passes without one (then they name the attempt running at that moment, and keep-alive
 *   comments follow while the first token is awaited).
 * - `chunk`: one `data:` line.
 * - `cut`: an attempt failed after chunks were sent: `data: {"error": …}`, end, no `[DONE]`.
 * - `done`: the closing chunks and `data: [DONE]`.
 * - `fail`: the job failed before any chunk: a plain OpenAI error answer when the headers have not
 *   gone out yet, else an error event.
 */
export type RelayAction =
  | { kind: 'headers'; headers: Record<string, string> }
  | { kind: 'chunk'; chunk: ChatCompletionChunk }
  | { kind: 'cut'; error: OpenAiErrorBody }
  | { kind: 'done'; chunks: ChatCompletionChunk[] }
  | {
      kind: 'fail';
      status: number;
      error: OpenAiErrorBody;
      headers: Record<string, string>;
    };

export class ChatCompletionRelay {
  private attempt: AttemptIdentity | null = null;
  /** The revision serving the running attempt, once its stream named it. */
  private revision: string | null = null;
  private attemptsStarted = 0;
  private sentChunks = false;
  headersSent = false;
  /** True once the stream has been given its end (cut, done or fail): nothing more is sent. */
  ended = false;

  constructor(
    private readonly jobId: string,
    private readonly created: number,
    private readonly includeUsage: boolean,
    private readonly traceparent: string | undefined,
    /** The job's deadline (epoch ms): a job ending past it answers 504 */
    private readonly deadlineAt?: number,
  ) {}

  /** Whether the entry ends the job: the caller then reads the job view and calls `finish`. */
  static isTerminal(entry: JobEventEntry): boolean {
    return entry.event === 'job.succeeded' || entry.event === 'job.failed';
  }

  /** An event of the job's stream other than the terminal one. */
  onEvent(entry: JobEventEntry): RelayAction[] {
    if (this.ended) return [];
    if (entry.event === 'attempt.started') {
      this.attempt = entry.data as AttemptIdentity;
      this.revision = null;
      this.attemptsStarted++;
      return [];
    }
    if (entry.event === 'attempt.revision') {
      // Written before the attempt's first delta, so the headers (sent with it) can name it.
      const named = entry.data as AttemptIdentity & { model_revision: string };
      if (sameAttempt(named, this.attempt)) this.revision = named.model_revision;
      return [];
    }
    if (entry.event === 'delta') {
      const delta = toChunkDelta(entry.data as { text: string } | { tool_call: ToolCallFragment });
      const actions = this.ensureHeaders();
      actions.push({
        kind: 'chunk',
        chunk: this.sentChunks ? chunk(this.identity(), delta) : firstChunk(this.identity(), delta),
      });
      this.sentChunks = true;
      return actions;
    }
    if (entry.event === 'attempt.failed') {
      // Before any chunk the client saw nothing: the next candidate's answer is all it sees.
      if (!this.sentChunks) return [];
      this.ended = true;
      const failed = entry.data as AttemptIdentity & { error: { type: string; message: string } };
      return [{ kind: 'cut', error: streamCutError(this.jobId, failed) }];
    }
    return [];
  }

  /** The keep-alive interval passed with nothing to send. */
  onIdle(): RelayAction[] {
    return this.ended ? [] : this.ensureHeaders();
  }

  /** The job ended: its view decides the closing. */
  finish(view: JobView): RelayAction[] {
    if (this.ended) return [];
    this.ended = true;
    if (view.status !== 'succeeded' || !view.result) {
      const failure = fromFailedJob(view, this.deadlineAt);
      if (!this.headersSent) {
        return [
          {
            kind: 'fail',
            status: failure.status,
            error: failure.body,
            headers: { ...this.baseHeaders(), ...failure.headers },
          },
        ];
      }
      return [{ kind: 'cut', error: failure.body }];
    }
    const result = view.result;
    const actions: RelayAction[] = [];
    if (!this.headersSent) {
      actions.push(...this.ensureHeaders(result, attemptsThatRan(view).length));
    }
    if (!this.sentChunks) {
      // An answer that streamed no delta (an empty one) still opens with the role.
      const toolCalls = result.tool_calls?.length ? toOpenAiToolCalls(result.tool_calls) : [];
      actions.push({
        kind: 'chunk',
        chunk: firstChunk(this.identity(result.model_revision), {
          content: result.text,
          ...(toolCalls.length && {
            tool_calls: toolCalls.map((c, index) => ({ index, ...c })),
          }),
        }),
      });
      this.sentChunks = true;
    }
    actions.push({
      kind: 'done',
      chunks: closingChunks(this.identity(result.model_revision), view, this.includeUsage),
    });
    return actions;
  }

  /** Chunks name the served revision, as OpenAI's do; the requested model until it is known. */
  private identity(model = this.revision ?? this.attempt?.model ?? ''): ChunkIdentity {
    return { id: this.jobId, created: this.created, model };
  }

  private baseHeaders(): Record<string, string> {
    return {
      'x-switchyard-job-id': this.jobId,
      ...(this.traceparent && { traceparent: this.traceparent }),
    };
  }

  /** `attempts`: when the job has ended, how many ran (a cached answer ran none). */
  private ensureHeaders(
    result?: { provider: string; model: string; model_revision?: string },
    attempts = this.attemptsStarted,
  ): RelayAction[] {
    if (this.headersSent) return [];
    this.headersSent = true;
    const serving = result ?? this.attempt;
    const revision = result ? result.model_revision : this.revision;
    return [
      {
        kind: 'headers',
        headers: {
          ...this.baseHeaders(),
          ...(serving && {
            'x-switchyard-provider': serving.provider,
            'x-switchyard-model': serving.model,
          }),
          ...(revision && { 'x-switchyard-model-revision': revision }),
          'x-switchyard-attempts': String(attempts),
        },
      },
    ];
  }
}

function sameAttempt(a: AttemptIdentity, b: AttemptIdentity | null): boolean {
  return b !== null && a.hop === b.hop && a.try === b.try;
}
