import Anthropic from '@anthropic-ai/sdk';
import type { CompletionRequest, CompletionResult, ProviderConnection } from '../provider.types';
import { SdkAdapter } from '../shared/sdk-adapter';
import { toAnthropicProviderError } from './anthropic-errors';
import { toAnthropicParams } from './anthropic-request';
import { toCompletionResult } from './anthropic-response';

/** The Messages API through the official @anthropic-ai/sdk. */
export class AnthropicAdapter extends SdkAdapter {
  override readonly kind = 'anthropic' as const;
  private readonly client: Anthropic;

  constructor(connection: ProviderConnection) {
    super(connection, toAnthropicProviderError);
    this.client = new Anthropic({
      apiKey: connection.apiKey,
      baseURL: connection.baseURL,
      // Retries belong to the worker, which knows the task's retry policy and the fallbacks.
      maxRetries: 0,
      fetch: connection.fetch,
    });
  }

  protected override async send(
    request: CompletionRequest,
    signal: AbortSignal,
  ): Promise<CompletionResult> {
    const params = toAnthropicParams(request, this.provider);
    const { data, request_id } = await this.client.messages
      .create(params, { timeout: request.timeout_ms, signal })
      .withResponse();
    return toCompletionResult(data, request, this.provider, request_id ?? undefined);
  }
}
