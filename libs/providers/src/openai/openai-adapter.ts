import OpenAI from 'openai';
import type {
  CompletionRequest,
  CompletionResult,
  ProviderConnection,
  ProviderKind,
} from '../provider.types';
import { SdkAdapter } from '../shared/sdk-adapter';
import { toOpenAiProviderError } from './openai-errors';
import { toOpenAiParams } from './openai-request';
import { toCompletionResult } from './openai-response';

/**
 * Chat completions through the official openai SDK. Serves kind `openai` and every
 * `openai-compatible` server (Groq, Mistral, Perplexity, Ollama): only the base URL differs.
 */
export class OpenAiAdapter extends SdkAdapter {
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

  protected override async send(
    request: CompletionRequest,
    signal: AbortSignal,
  ): Promise<CompletionResult> {
    const params = toOpenAiParams(request, this.kind, this.provider);
    const { data, request_id } = await this.client.chat.completions
      .create(params, { timeout: request.timeout_ms, signal })
      .withResponse();
    return toCompletionResult(data, request, this.provider, request_id ?? undefined);
  }
}
