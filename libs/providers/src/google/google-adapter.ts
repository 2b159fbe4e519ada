import { GoogleGenAI } from '@google/genai';
import type {
  CompletionRequest,
  CompletionResult,
  ProviderAdapter,
  ProviderConnection,
} from '../provider.types';
import { runProviderCall } from '../shared/provider-call';
import { toGoogleProviderError } from './google-errors';
import { toGoogleParams } from './google-request';
import { toCompletionResult } from './google-response';

/** Gemini generateContent through the official @google/genai SDK. */
export class GoogleAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly kind = 'google' as const;
  private readonly client: GoogleGenAI;

  constructor(private readonly connection: ProviderConnection) {
    this.provider = connection.provider;
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

  complete(request: CompletionRequest): Promise<CompletionResult> {
    return runProviderCall(
      {
        provider: this.provider,
        apiKey: this.connection.apiKey,
        timeoutMs: request.timeout_ms,
        signal: request.signal,
      },
      async (signal) => {
        const response = await this.client.models.generateContent(
          toGoogleParams(request, this.provider, signal),
        );
        return toCompletionResult(response, request, this.provider);
      },
      (err, deadline) => toGoogleProviderError(err, deadline, this.provider),
    );
  }
}
