/**
 * How a call ended, from the simulator's side: `ok`, `http_<status>` for injected errors, or one of
 * the other outcomes below. Tests read these to prove which calls actually reached a provider.
 */
export type CallOutcome =
  | 'ok'
  | 'invalid_output'
  | 'wrong_answer'
  | 'content_filtered'
  | 'malformed'
  | 'hang'
  | 'reset'
  | 'cut'
  | 'stall'
  | 'unauthorized'
  | 'bad_request'
  | 'context_length_exceeded'
  | 'model_not_found'
  | `http_${number}`;

export interface ModelStats {
  total: number;
  outcomes: Record<string, number>;
}

export interface ProviderStats {
  total: number;
  models: Record<string, ModelStats>;
}

export interface StatsSnapshot {
  total: number;
  providers: Record<string, ProviderStats>;
}

/** Request counts per provider, model and outcome. */
export class SimulatorStats {
  private snapshotData: StatsSnapshot = { total: 0, providers: {} };

  record(provider: string, model: string, outcome: CallOutcome): void {
    const data = this.snapshotData;
    data.total += 1;
    const providerStats = (data.providers[provider] ??= { total: 0, models: {} });
    providerStats.total += 1;
    const modelStats = (providerStats.models[model] ??= { total: 0, outcomes: {} });
    modelStats.total += 1;
    modelStats.outcomes[outcome] = (modelStats.outcomes[outcome] ?? 0) + 1;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.snapshotData);
  }

  reset(): void {
    this.snapshotData = { total: 0, providers: {} };
  }
}
