/** A candidate as the plan, the table and the queues name it. */
export interface ModelRef {
  provider: string;
  /** The provider's own model name */
  model: string;
}

/** "provider/model": the model's id in the routing table, its latency key and its circuit. */
export function modelId(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}

/** A candidate is behind two circuits: its provider's and its model's. */
export function circuitKeysOf(ref: ModelRef): [provider: string, model: string] {
  return [ref.provider, modelId(ref)];
}

/** The circuits of every candidate listed, each once. */
export function circuitKeysOfAll(refs: readonly ModelRef[]): string[] {
  return [...new Set(refs.flatMap(circuitKeysOf))];
}
