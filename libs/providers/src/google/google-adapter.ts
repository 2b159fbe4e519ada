import { GoogleGenAI } from '@google/genai';
import type { CompletionRequest, CompletionResult, ProviderConnection } from '../provider.types';
import { SdkAdapter } from '../shared/sdk-adapter';
import { toGoogleProviderError } from './google-errors';
import { toGoogleParams } from './google-request';
import { toCompletionResult } from './google-response';

/** Gemini generateContent through the official @google/genai SDK. */
export class GoogleAdapter extends SdkAdapter {
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

  protected override async send(
    request: CompletionRequest,
    signal: AbortSignal,
  ): Promise<CompletionResult> {
    const response = await this.client.models.generateContent(
      toGoogleParams(request, this.provider, signal),
    );
    return toCompletionResult(response, request, this.provider);
  }
}
