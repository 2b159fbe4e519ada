import { join } from 'node:path';
import {
  createProviderAdapter,
  ProviderError,
  type ProviderAdapter,
  type ProviderKind,
} from '@switchyard/providers';
import { loadScenarioFile, startSimulator, type RunningSimulator } from '@switchyard/simulator';
import type { CandidateOutput, CandidateSummary, EvalExample, ScoredExample } from './eval.types';
import { loadDataset } from './dataset-loader';
import { scoreExample } from './score-example';
import { summarizeCandidate } from './summarize-candidate';

/**
 * The shipped datasets against the shipped answer book: each example goes to each candidate of its
 * task in routes.yaml through the real SDK adapters and the simulator over HTTP, and is scored.
 * This is what `npm run eval` sees on the default stack, minus the queues.
 */
const REPO = join(__dirname, '..', '..', '..');
const EVALS_DIR = join(REPO, 'evals');
const KINDS: Record<string, ProviderKind> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  mistral: 'openai-compatible',
};

describe('shipped evaluation datasets and simulator answers', () => {
  let sim: RunningSimulator;
  const adapters = new Map<string, ProviderAdapter>();

  beforeAll(async () => {
    // The Anthropic SDK warns on every call that claude-sonnet-4-5 is deprecated; nothing to see.
    const warn = console.warn.bind(console);
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (!/is deprecated/.test(String(args[0]))) warn(...args);
    });
    sim = await startSimulator({
      port: 0,
      host: '127.0.0.1',
      scenario: await loadScenarioFile(join(EVALS_DIR, 'simulator-answers.yaml')),
    });
  });
  afterAll(async () => {
    await sim.close();
    jest.restoreAllMocks();
  });

  function adapter(provider: string): ProviderAdapter {
    let a = adapters.get(provider);
    if (!a) {
      const kind = KINDS[provider];
      const root = sim.providerUrl(provider);
      const baseURL = kind === 'anthropic' || kind === 'google' ? root : `${root}/v1`;
      a = createProviderAdapter({ provider, kind, baseURL, apiKey: 'sim-key' });
      adapters.set(provider, a);
    }
    return a;
  }

  async function answer(candidate: string, example: EvalExample): Promise<CandidateOutput> {
    const [provider, model] = candidate.split('/');
    const started = Date.now();
    try {
      const result = await adapter(provider).complete({
        model,
        messages: example.messages,
        response_format: example.response_format,
        tools: example.tools,
        max_tokens: 1024,
        timeout_ms: 10_000,
      });
      return {
        text: result.text,
        json: result.json,
        toolCalls: result.tool_calls?.map((c) => ({ name: c.name, arguments: c.arguments })),
        finishReason: result.finish_reason,
        latencyMs: Date.now() - started,
        costUsd: 0,
        modelRevision: result.model_revision,
      };
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      return {
        text: '',
        latencyMs: Date.now() - started,
        costUsd: 0,
        errorType: err.type,
        errorMessage: err.message,
      };
    }
  }

  async function run(
    task: string,
    candidates: string[],
  ): Promise<Record<string, CandidateSummary>> {
    const examples = await loadDataset(EVALS_DIR, task);
    const out: Record<string, CandidateSummary> = {};
    for (const candidate of candidates) {
      const scored: ScoredExample[] = await Promise.all(
        examples.map(async (example) => {
          const output = await answer(candidate, example);
          return { example_id: example.id, output, ...(await scoreExample(example, output)) };
        }),
      );
      out[candidate] = summarizeCandidate(candidate, scored);
    }
    return out;
  }

  it('ship at least 20 valid examples for extraction, reasoning and vision', async () => {
    for (const task of ['extraction', 'reasoning', 'vision']) {
      const examples = await loadDataset(EVALS_DIR, task);
      expect({ task, enough: examples.length >= 20 }).toEqual({ task, enough: true });
    }
    const extraction = await loadDataset(EVALS_DIR, 'extraction');
    expect(extraction.every((e) => e.response_format?.type === 'json_schema')).toBe(true);
    const types = new Set(extraction.flatMap((e) => e.checks.map((c) => c.type)));
    expect(types).toEqual(new Set(['json_valid', 'json_path_equals', 'number_close']));
    const vision = await loadDataset(EVALS_DIR, 'vision');
    expect(
      vision.every((e) =>
        e.messages.some(
          (m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image'),
        ),
      ),
    ).toBe(true);
  });

  it('answer every example correctly for a model the book does not script wrong', async () => {
    const runs = {
      ...(await run('extraction', ['openai/gpt-4.1-mini'])),
      ...(await run('reasoning', ['anthropic/claude-opus-4-1'])),
      ...(await run('vision', ['google/gemini-2.0-flash'])),
    };
    for (const summary of Object.values(runs)) {
      expect({
        candidate: summary.candidate,
        score: summary.score,
        pass_rate: summary.pass_rate,
      }).toEqual({
        candidate: summary.candidate,
        score: 1,
        pass_rate: 1,
      });
    }
  });

  it('make the candidates of each task score differently, the primary best', async () => {
    const extraction = await run('extraction', [
      'openai/gpt-4o-mini',
      'google/gemini-2.5-flash',
      'mistral/mistral-small-latest',
    ]);
    const mini = extraction['openai/gpt-4o-mini'];
    const flash = extraction['google/gemini-2.5-flash'];
    const small = extraction['mistral/mistral-small-latest'];
    expect(mini.score).toBeGreaterThan(flash.score);
    expect(flash.score).toBeGreaterThan(small.score);
    expect(mini.json_adherence).toBe(1);
    // Two of mistral's answers break the schema: the adapter refuses them as invalid output.
    expect(small.errors).toBe(2);
    expect(small.json_adherence).toBe(0.9);
    expect(mini.model_revisions).toEqual(['gpt-4o-mini-2024-07-18']);

    const reasoning = await run('reasoning', [
      'anthropic/claude-sonnet-4-5',
      'openai/gpt-4.1',
      'google/gemini-2.5-pro',
    ]);
    expect(reasoning['anthropic/claude-sonnet-4-5'].score).toBeGreaterThan(
      reasoning['openai/gpt-4.1'].score,
    );
    expect(reasoning['openai/gpt-4.1'].score).toBeGreaterThan(
      reasoning['google/gemini-2.5-pro'].score,
    );
    expect(reasoning['google/gemini-2.5-pro'].refusal_rate).toBe(0.05);

    const vision = await run('vision', [
      'google/gemini-2.5-flash',
      'openai/gpt-4o',
      'anthropic/claude-haiku-4-5',
    ]);
    expect(vision['openai/gpt-4o'].score).toBeGreaterThan(vision['google/gemini-2.5-flash'].score);
    expect(vision['google/gemini-2.5-flash'].score).toBeGreaterThan(
      vision['anthropic/claude-haiku-4-5'].score,
    );
    // One of haiku's answers is stopped by the content filter.
    expect(vision['anthropic/claude-haiku-4-5'].refusal_rate).toBe(0.05);
  });

  it('make answers worse after a rollout with wrong_answer_rate, under the new revision', async () => {
    const before = (await run('extraction', ['openai/gpt-4o-mini']))['openai/gpt-4o-mini'];
    sim.addFault({
      provider: 'openai',
      model: 'gpt-4o-mini',
      revision: 'gpt-4o-mini-2026-01-15',
      worse: { wrong_answer_rate: 0.5 },
    });
    try {
      const after = (await run('extraction', ['openai/gpt-4o-mini']))['openai/gpt-4o-mini'];
      expect(after.model_revisions).toEqual(['gpt-4o-mini-2026-01-15']);
      expect(after.score).toBeLessThan(before.score - 0.2);
      // The drifted answers are still schema-valid JSON: accuracy falls, adherence does not.
      expect(after.json_adherence).toBe(1);
      expect(sim.stats().providers.openai.models['gpt-4o-mini'].outcomes.wrong_answer).toBe(10);
    } finally {
      sim.reset();
    }
  });
});
