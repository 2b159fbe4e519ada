import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { CompletionRequest, ProviderConnection } from '../provider.types';
import { SdkAdapter, type OpenedStream } from '../shared/sdk-adapter';
import type { StreamAssembly } from '../streaming/stream-assembly';
import { toAnthropicProviderError } from './anthropic-errors';
import { toAnthropicParams } from './anthropic-request';
import { readAnthropicEvent } from './anthropic-stream';

/** The Messages API through the official @anthropic-ai/sdk, streamed (`stream: true` events). */
export class AnthropicAdapter extends SdkAdapter<RawMessageStreamEvent> {
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

  protected override async openStream(
    request: CompletionRequest,
    signal: AbortSignal,
  ): Promise<OpenedStream<RawMessageStreamEvent>> {
    const params = { ...toAnthropicParams(request, this.provider), stream: true as const };
    const { data, request_id } = await this.client.messages
      .create(params, { timeout: request.timeout_ms, signal })
      .withResponse();
    return { events: data, requestId: request_id ?? undefined };
  }

  protected override readEvent(event: RawMessageStreamEvent, into: StreamAssembly): void {
    readAnthropicEvent(event, into, this.provider);
  }
}
