import { GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import type { CompletionRequest, ProviderConnection } from '../provider.types';
import { SdkAdapter, type OpenedStream } from '../shared/sdk-adapter';
import type { StreamAssembly } from '../streaming/stream-assembly';
import { toGoogleProviderError } from './google-errors';
import { toGoogleParams } from './google-request';
import { readGeminiFrame } from './google-stream';

/** Gemini through the official @google/genai SDK, streamed (generateContentStream). */
export class GoogleAdapter extends SdkAdapter<GenerateContentResponse> {
  override readonly kind = 'google' as const;
  private readonly client: GoogleGenAI;

  constructor(connection: ProviderConnection) {
    super(connection, toGoogleProviderError);
    this.client = new GoogleGenAI({
      apiKey: connection.apiKey,
      // Never switch to Vertex AI because GOOGLE_GENAI_USE_VERTEXAI happens to be set.
      vertexai: false,
      httpOptions: {
        baseUrl: connection.baseURL,
        // No retryOptions: in @google/genai 2.x that means one attempt. Retries belong to the worker.
        // Always a fetch of our own: without one the SDK routes through undici's global dispatcher,
        // which it looks up on globalThis and which is missing in VM contexts (jest, for one).
        // Calls are bounded by their timeout_ms; undici's default 300 s limits only cut longer ones.
        fetch: connection.fetch ?? ((input, init) => fetch(input, init)),
      },
    });
  }

  protected override async openStream(
    request: CompletionRequest,
    signal: AbortSignal,
  ): Promise<OpenedStream<GenerateContentResponse>> {
    const events = await this.client.models.generateContentStream(
      toGoogleParams(request, this.provider, signal),
    );
    return { events };
  }

  protected override readEvent(frame: GenerateContentResponse, into: StreamAssembly): void {
    readGeminiFrame(frame, into, this.provider);
  }
}
