import type { WireApi } from './wire/wire-format';

/** One call as the simulator received it. Credentials are reduced to which header carried them. */
export interface RecordedRequest {
  at: string;
  provider: string;
  api: WireApi;
  method: string;
  path: string;
  model: string;
  /** Which credential header the client used (`authorization`, `x-api-key`, ...), never its value. */
  auth: string | null;
  /** Provider-specific headers worth asserting on, e.g. anthropic-version. */
  headers: Record<string, string>;
  body: unknown;
}

/** The last few requests per provider, so tests can check what actually went over the wire. */
export class RequestLog {
  private readonly byProvider = new Map<string, RecordedRequest[]>();

  constructor(private readonly keepPerProvider = 25) {}

  add(request: RecordedRequest): void {
    const list = this.byProvider.get(request.provider) ?? [];
    list.push(request);
    if (list.length > this.keepPerProvider) list.shift();
    this.byProvider.set(request.provider, list);
  }

  /** Oldest first; all providers interleaved by time when no provider is given. */
  list(provider?: string, limit = this.keepPerProvider): RecordedRequest[] {
    const all =
      provider !== undefined
        ? (this.byProvider.get(provider) ?? [])
        : [...this.byProvider.values()].flat().sort((a, b) => a.at.localeCompare(b.at));
    return all.slice(-limit);
  }

  clear(): void {
    this.byProvider.clear();
  }
}
