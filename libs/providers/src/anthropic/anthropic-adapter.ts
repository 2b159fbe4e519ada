import Anthropic from '@anthropic-ai/sdk';
import type {
  CompletionRequest,
  CompletionResult,
  ProviderAdapter,
  ProviderConnection,
} from '../provider.types';
import { runProviderCall } from '../shared/provider-call';
import { toAnthropicProviderError } from './anthropic-errors';
import { toAnthropicParams } from './anthropic-request';
import { toCompletionResult } from './anthropic-response';

/** The Messages API through the official @anthropic-ai/sdk. */
export class AnthropicAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly kind = 'anthropic' as const;
  private readonly client: Anthropic;

  constructor(private readonly connection: ProviderConnection) {
    this.provider = connection.provider;
    this.client = new Anthropic({
      apiKey: connection.apiKey,
      baseURL: connection.baseURL,
      // Retries belong to the worker, which knows the task's retry policy and the fallbacks.
      maxRetries: 0,
      fetch: connection.fetch,
    });
  }

  complete(request: CompletionRequest): Promise<CompletionResult> {
    return runProviderCall(
      {
        provider: this.provider,
        apiKey: this.connection.apiKey,
        timeoutMs: request.timeout_ms,
        signal: request.signal,
      },
      async (signal) => {
        const params = toAnthropicParams(request, this.provider);
        const { data, request_id } = await this.client.messages
          .create(params, { timeout: request.timeout_ms, signal })
          .withResponse();
        return toCompletionResult(data, request, this.provider, request_id ?? undefined);
      },
      (err, deadline) => toAnthropicProviderError(err, deadline, this.provider),
    );
  }
}
