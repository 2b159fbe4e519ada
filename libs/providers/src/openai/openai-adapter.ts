import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionRequest, ProviderConnection, ProviderKind } from '../provider.types';
import { SdkAdapter, type OpenedStream } from '../shared/sdk-adapter';
import type { StreamAssembly } from '../streaming/stream-assembly';
import { toOpenAiProviderError } from './openai-errors';
import { toOpenAiParams } from './openai-request';
import { readOpenAiChunk } from './openai-stream';

/**
 * Chat completions through the official openai SDK, streamed (`stream: true`). Serves kind `openai` and every
 * `openai-compatible` server (Groq, Mistral, Perplexity, Ollama): only the base URL differs.
 */
export class OpenAiAdapter extends SdkAdapter<ChatCompletionChunk> {
  override readonly kind: ProviderKind;
  private readonly client: OpenAI;

  constructor(connection: ProviderConnection) {
    super(connection, toOpenAiProviderError);
    this.kind = connection.kind;
    this.client = new OpenAI({
      apiKey: connection.apiKey,
      baseURL: connection.baseURL,
      // Retries belong to the worker, which knows the task's retry policy and the fallbacks.
      maxRetries: 0,
      fetch: connection.fetch,
      // Never pick these up from OPENAI_* variables: they would be sent to compatible servers too.
      organization: null,
      project: null,
      webhookSecret: null,
    });
  }

  protected override async openStream(
    request: CompletionRequest,
    signal: AbortSignal,
  ): Promise<OpenedStream<ChatCompletionChunk>> {
    const params = {
      ...toOpenAiParams(request, this.kind, this.provider),
      stream: true as const,
      // The usage arrives in one more chunk after the last delta, or not at all.
      stream_options: { include_usage: true },
    };
    const { data, request_id } = await this.client.chat.completions
      .create(params, { timeout: request.timeout_ms, signal })
      .withResponse();
    return { events: data, requestId: request_id ?? undefined };
  }

  protected override readEvent(chunk: ChatCompletionChunk, into: StreamAssembly): void {
    readOpenAiChunk(chunk, into, this.provider);
  }
}
