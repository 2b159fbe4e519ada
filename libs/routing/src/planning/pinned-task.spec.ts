import { pinTask } from './pinned-task';
import type { ModelConfig, TaskConfig } from '../routing-table.types';

const model = (id: string): ModelConfig => ({
  id,
  provider: id.split('/')[0],
  model: id.split('/')[1],
  context_window: 128_000,
  max_output_tokens: 4096,
  capabilities: ['text', 'json_schema'],
  price: { input_per_mtok: 1, output_per_mtok: 2 },
});

const task: TaskConfig = {
  name: 'extraction',
  primary: 'openai/gpt-4o-mini',
  fallbacks: ['google/gemini-2.5-flash'],
  requires: ['json_schema'],
  budget: { alert_at: 0.8 },
  on_invalid_output: 'fallback',
  retry: { attempts: 1, backoff_ms: 0 },
  ledger: { store_prompts: false, store_responses: false },
};

const models = Object.fromEntries(
  ['openai/gpt-4o-mini', 'google/gemini-2.5-flash', 'anthropic/claude-haiku-4-5'].map((id) => [
    id,
    model(id),
  ]),
);

describe('pinTask', () => {
  it('drops the task rules and split: nothing may move a pinned job off its model', () => {
    const ruled: TaskConfig = {
      ...task,
      split: [
        { model: 'openai/gpt-4o-mini', weight: 9 },
        { model: 'anthropic/claude-haiku-4-5', weight: 1 },
      ],
      rules: [
        {
          name: 'any',
          when: { field: 'messages', op: 'gte', value: 0 },
          use: { primary: 'anthropic/claude-haiku-4-5' },
        },
      ],
    };
    const verdict = pinTask(ruled, models, 'google/gemini-2.5-flash');
    expect(verdict).toEqual({
      ok: true,
      task: { ...task, primary: 'google/gemini-2.5-flash', fallbacks: [] },
    });
  });

  it('keeps the task settings and makes the pinned model the only candidate', () => {
    const verdict = pinTask(task, models, 'google/gemini-2.5-flash');
    expect(verdict).toEqual({
      ok: true,
      task: { ...task, primary: 'google/gemini-2.5-flash', fallbacks: [] },
    });
  });

  it('allows a model of the table outside the task chain (evaluated before promotion)', () => {
    const verdict = pinTask(task, models, 'anthropic/claude-haiku-4-5');
    expect(verdict.ok && verdict.task.primary).toBe('anthropic/claude-haiku-4-5');
  });

  it('drops the rules and split that would route the job elsewhere', () => {
    const routed: TaskConfig = {
      ...task,
      split: [
        { model: 'openai/gpt-4o-mini', weight: 50 },
        { model: 'google/gemini-2.5-flash', weight: 50 },
      ],
      rules: [{ name: 'r', when: {}, use: { primary: 'google/gemini-2.5-flash' } }] as never,
    };
    const verdict = pinTask(routed, models, 'anthropic/claude-haiku-4-5');
    expect(verdict).toEqual({
      ok: true,
      task: { ...task, primary: 'anthropic/claude-haiku-4-5', fallbacks: [] },
    });
  });

  it('refuses a model the table does not know, naming the chain', () => {
    const verdict = pinTask(task, models, 'openai/gpt-9');
    expect(verdict).toEqual({
      ok: false,
      problem: expect.stringContaining('openai/gpt-9 is not a model of the routing table in force'),
    });
    expect(!verdict.ok && verdict.problem).toContain('openai/gpt-4o-mini, google/gemini-2.5-flash');
  });
});
