import type { CandidateOutput, CandidateSummary, ScoredExample } from './eval.types';
import { pickBest, summarizeCandidate } from './summarize-candidate';

function scored(
  score: number,
  out: Partial<CandidateOutput> = {},
  extra: Partial<ScoredExample> = {},
): ScoredExample {
  return {
    example_id: `ex-${Math.random()}`,
    score,
    checks: [],
    passed: score === 1,
    refused: false,
    output: {
      text: '',
      latencyMs: 100,
      costUsd: 0.001,
      modelRevision: 'gpt-4o-mini-2024-07-18',
      ...out,
    },
    ...extra,
  };
}

function summary(candidate: string, over: Partial<CandidateSummary> = {}): CandidateSummary {
  return {
    candidate,
    model_revisions: [`${candidate.split('/')[1]}-001`],
    score: 0.9,
    pass_rate: 0.8,
    json_adherence: 1,
    refusal_rate: 0,
    latency_ms: { p50: 400, p95: 900 },
    mean_cost_usd: 0.0001,
    cost_per_1k_usd: 0.1,
    examples: 20,
    errors: 0,
    ...over,
  };
}

describe('summarizeCandidate', () => {
  it('adds up score, pass rate, JSON adherence, refusals, latency percentiles and cost', () => {
    // Latencies 100..2000 ms in steps of 100: nearest-rank p50 = 1000, p95 = 1900.
    const examples = Array.from({ length: 20 }, (_, i) =>
      scored(
        i < 15 ? 1 : 0.5,
        { latencyMs: (i + 1) * 100, costUsd: 0.002 },
        {
          json_adherent: i !== 3,
          refused: i === 19,
          passed: i < 15,
        },
      ),
    );
    examples[19].output.finishReason = 'content_filter';
    const s = summarizeCandidate('openai/gpt-4o-mini', examples);
    expect(s).toEqual({
      candidate: 'openai/gpt-4o-mini',
      model_revisions: ['gpt-4o-mini-2024-07-18'],
      score: 0.875,
      pass_rate: 0.75,
      json_adherence: 0.95,
      refusal_rate: 0.05,
      latency_ms: { p50: 1000, p95: 1900 },
      mean_cost_usd: 0.002,
      cost_per_1k_usd: 2,
      examples: 20,
      errors: 0,
    });
  });

  it('lists every revision that answered, counts failures, and has no JSON adherence when no example asked', () => {
    const s = summarizeCandidate('google/gemini-2.5-flash', [
      scored(1, { modelRevision: 'gemini-2.5-flash-001' }),
      scored(0, { modelRevision: undefined, errorType: 'timeout', latencyMs: 30000, costUsd: 0 }),
      scored(1, { modelRevision: 'gemini-2.5-flash-002' }),
      scored(1, { modelRevision: 'gemini-2.5-flash-001' }),
    ]);
    expect(s.model_revisions).toEqual(['gemini-2.5-flash-001', 'gemini-2.5-flash-002']);
    expect(s.errors).toBe(1);
    expect(s.json_adherence).toBeNull();
    expect(s.latency_ms).toEqual({ p50: 100, p95: 30000 });
    expect(s.mean_cost_usd).toBe(0.00075);
    expect(s.cost_per_1k_usd).toBe(0.75);
    expect(s.score).toBe(0.75);
  });

  it('summarizes an empty run as zeros', () => {
    expect(summarizeCandidate('a/b', [])).toMatchObject({
      score: 0,
      examples: 0,
      latency_ms: { p50: 0, p95: 0 },
    });
  });
});

describe('pickBest', () => {
  it('names the best candidate on score, on cost and on latency, breaking ties sensibly', () => {
    const a = summary('openai/gpt-4o-mini', {
      score: 0.95,
      cost_per_1k_usd: 0.3,
      latency_ms: { p50: 500, p95: 800 },
    });
    const b = summary('google/gemini-2.5-flash', {
      score: 0.95,
      cost_per_1k_usd: 0.2,
      latency_ms: { p50: 300, p95: 1200 },
    });
    const c = summary('mistral/mistral-small-latest', {
      score: 0.7,
      cost_per_1k_usd: 0.2,
      latency_ms: { p50: 300, p95: 700 },
    });
    // Equal scores: the cheaper wins. Equal cost: the higher score wins. Equal p50: the lower p95.
    expect(pickBest([a, b, c])).toEqual({
      score: 'google/gemini-2.5-flash',
      cost: 'google/gemini-2.5-flash',
      latency: 'mistral/mistral-small-latest',
    });
    expect(pickBest([])).toEqual({ score: undefined, cost: undefined, latency: undefined });
  });
});
