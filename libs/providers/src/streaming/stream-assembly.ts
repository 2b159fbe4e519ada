import type { CompletionDelta, FinishReason, PartialOutput, TokenUsage } from '../provider.types';
import type { CompletionReading } from '../shared/completion-result';
import type { RawToolCall } from '../shared/tool-calls';

interface ToolCallParts {
  id?: string;
  name?: string;
  /** The arguments as JSON text, from the fragments received. */
  argumentsText: string;
  /** Arguments that arrived as an object (Gemini's functionCall, Anthropic's tool_use start). */
  argumentsObject?: unknown;
}

/** About four characters per token: what an estimate of unreported usage rests on. */
const CHARS_PER_TOKEN = 4;

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/**
 * The answer of one streamed call, put together from the provider's events as an adapter reads
 * them. Every adapter feeds the same calls (text, usage, finish, end); the assembly emits each
 * delta as it comes and, at the end, yields the reading the non-streamed mapping yields. It never
 * turns an unfinished stream into an answer: `complete` is false until the wire said it ended.
 */
export class StreamAssembly {
  private reported: unknown;
  requestId: string | undefined;
  /** The request's call_key: ids for tool calls whose wire has none derive from it. */
  callKey: string | undefined;
  systemFingerprint: string | undefined;
  private readonly pieces: string[] = [];
  private chars = 0;
  private reportedInput?: number;
  private reportedOutput?: number;
  private reportedCachedInput?: number;
  private reportedCacheWrite?: number;
  /** Whether the reported output count covers every piece received (Gemini reports as it goes). */
  private outputReportCurrent = false;
  private readonly toolCalls = new Map<number, ToolCallParts>();
  private finishReason?: FinishReason;
  private ended = false;
  private revisionAnnounced = false;

  constructor(private readonly emit: (delta: CompletionDelta) => void) {}

  /** The model the stream says serves the call, unchecked; announced the first time it is named. */
  get reportedModel(): unknown {
    return this.reported;
  }

  set reportedModel(model: unknown) {
    this.reported = model;
    this.announceRevision();
  }

  /** A piece of the answer's text; empty pieces (role-only chunks) are no delta. */
  text(piece: string): void {
    if (piece === '') return;
    this.pieces.push(piece);
    this.chars += piece.length;
    this.outputReportCurrent = false;
    this.emit({ type: 'text', text: piece });
  }

  /**
   * A fragment of tool call `index`: its id and name when the wire names the call, or the next
   * piece of its JSON arguments. `argumentsObject` is for wires that send the arguments whole.
   */
  toolCall(
    index: number,
    fragment: { id?: string; name?: string; arguments?: string; argumentsObject?: unknown },
  ): void {
    let call = this.toolCalls.get(index);
    if (!call) {
      call = { argumentsText: '' };
      this.toolCalls.set(index, call);
    }
    if (fragment.id) call.id = fragment.id;
    if (fragment.name) call.name = fragment.name;
    if (fragment.argumentsObject !== undefined) call.argumentsObject = fragment.argumentsObject;
    const text =
      fragment.arguments ??
      (fragment.argumentsObject !== undefined ? JSON.stringify(fragment.argumentsObject) : '');
    call.argumentsText += fragment.arguments ?? '';
    this.outputReportCurrent = false;
    this.emit({ type: 'tool_call', index, id: fragment.id, name: fragment.name, arguments: text });
  }

  /**
   * Every wire names the serving model in its opening frame (OpenAI's role chunk, Anthropic's
   * message_start, Gemini's first frame), before the first piece of the answer.
   */
  private announceRevision(): void {
    if (this.revisionAnnounced) return;
    if (typeof this.reported !== 'string' || this.reported === '') return;
    this.revisionAnnounced = true;
    this.emit({ type: 'model_revision', model_revision: this.reported });
  }

  /** How many tool calls have begun so far (the next call's index, for wires without one). */
  get toolCallCount(): number {
    return this.toolCalls.size;
  }

  /** Usage as the provider reported it so far; each count replaces the earlier one. */
  usage(reported: {
    input?: number;
    output?: number;
    cachedInput?: number;
    cacheWrite?: number;
  }): void {
    if (reported.input !== undefined) this.reportedInput = reported.input;
    if (reported.cachedInput !== undefined) this.reportedCachedInput = reported.cachedInput;
    if (reported.cacheWrite !== undefined) this.reportedCacheWrite = reported.cacheWrite;
    if (reported.output !== undefined) {
      this.reportedOutput = reported.output;
      this.outputReportCurrent = true;
    }
  }

  finish(reason: FinishReason): void {
    this.finishReason = reason;
  }

  /** The wire said the answer is whole (OpenAI's finish chunk, Anthropic's message_stop, ...). */
  end(): void {
    this.ended = true;
  }

  get complete(): boolean {
    return this.ended;
  }

  get sawOutput(): boolean {
    return this.pieces.length > 0 || this.toolCalls.size > 0;
  }

  /**
   * The whole answer, for buildCompletionResult; only meaningful once `complete`. Counts the
   * provider did not report are estimated (the provider still billed the call), and marked so.
   */
  reading(estimatedInputTokens: number): CompletionReading {
    const toolCalls: RawToolCall[] = [...this.toolCalls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({
        id: call.id ?? '',
        name: call.name ?? '',
        // Fragments win: Anthropic's tool_use start carries an empty input its deltas then fill.
        arguments:
          call.argumentsText !== ''
            ? call.argumentsText
            : (call.argumentsObject ?? call.argumentsText),
      }));
    return {
      text: this.pieces.join(''),
      toolCalls,
      finishReason: this.finishReason ?? 'other',
      usage: this.cacheCounts({
        input_tokens: this.reportedInput ?? estimatedInputTokens,
        output_tokens: this.reportedOutput ?? estimateTokens(this.chars),
      }),
      usageEstimated: this.reportedInput === undefined || this.reportedOutput === undefined,
      reportedModel: this.reportedModel,
      requestId: this.requestId,
      systemFingerprint: this.systemFingerprint,
    };
  }

  /** Cached-read and cache-write counts, only when the provider reported some. */
  private cacheCounts(usage: TokenUsage): TokenUsage {
    if (this.reportedCachedInput) usage.cached_input_tokens = this.reportedCachedInput;
    if (this.reportedCacheWrite) usage.cache_write_input_tokens = this.reportedCacheWrite;
    return usage;
  }

  /**
   * What a stream that did not finish had produced, or undefined when it had produced nothing.
   * Counts the provider did not report (or reported before the last piece) are estimated, and
   * the result says so.
   */
  partial(estimatedInputTokens: number): PartialOutput | undefined {
    if (!this.sawOutput) return undefined;
    const inputReported = this.reportedInput !== undefined;
    const outputReported = this.reportedOutput !== undefined && this.outputReportCurrent;
    const usage: TokenUsage = this.cacheCounts({
      input_tokens: this.reportedInput ?? estimatedInputTokens,
      output_tokens: outputReported ? (this.reportedOutput ?? 0) : estimateTokens(this.chars),
    });
    return {
      text: this.pieces.join(''),
      usage,
      usage_estimated: !(inputReported && outputReported),
    };
  }
}
