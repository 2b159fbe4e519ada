import type { ModelConfig, TaskConfig } from '../routing-table.types';

/** Small hand-made models and a task for planning tests: round prices make costs easy to check. */
export function model(id: string, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const [provider, name] = id.split('/');
  return {
    id,
    provider,
    model: name,
    context_window: 100_000,
    max_output_tokens: 8000,
    capabilities: ['text', 'vision', 'json_schema'],
    price: { input_per_mtok: 1, output_per_mtok: 10 },
    ...overrides,
  };
}

export function task(overrides: Partial<TaskConfig> = {}): TaskConfig {
  return {
    name: 'chat',
    primary: 'a/one',
    fallbacks: ['b/two', 'c/three'],
    requires: [],
    budget: { alert_at: 0.8 },
    on_invalid_output: 'fallback',
    retry: { attempts: 2, backoff_ms: 250 },
    ledger: { store_prompts: true, store_responses: true },
    ...overrides,
  };
}
