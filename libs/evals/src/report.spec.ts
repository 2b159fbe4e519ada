import type { CandidateSummary } from './eval.types';
import { findEvalRegressions } from './eval-regressions';
import { renderEvalMarkdown, renderEvalTable } from './render-report';
import { renderSuggestion, suggestOrdering } from './suggest-ordering';

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

const mini = summary('openai/gpt-4o-mini', {
  model_revisions: ['gpt-4o-mini-2024-07-18'],
  score: 0.9625,
  pass_rate: 0.9,
  json_adherence: 1,
  latency_ms: { p50: 412, p95: 780 },
  cost_per_1k_usd: 0.1386,
});
const flash = summary('google/gemini-2.5-flash', {
  model_revisions: ['gemini-2.5-flash-001'],
  score: 0.9,
  pass_rate: 0.75,
  json_adherence: 0.95,
  latency_ms: { p50: 301, p95: 640 },
  cost_per_1k_usd: 0.2231,
});
const small = summary('mistral/mistral-small-latest', {
  model_revisions: ['mistral-small-latest-sim-001'],
  score: 0.7,
  pass_rate: 0.5,
  json_adherence: 0.85,
  refusal_rate: 0.05,
  latency_ms: { p50: 520, p95: 1300 },
  cost_per_1k_usd: 0.0712,
});

describe('renderEvalTable', () => {
  it('prints one aligned row per candidate, best score first, and the best on score, cost and latency', () => {
    expect(renderEvalTable([small, flash, mini])).toBe(
      [
        'candidate                     model revision                score  pass rate  JSON adherence  refusals  p50 latency  p95 latency  cost/1k',
        '----------------------------  ----------------------------  -----  ---------  --------------  --------  -----------  -----------  -------',
        'openai/gpt-4o-mini            gpt-4o-mini-2024-07-18        0.963        90%            100%        0%       412 ms       780 ms  $0.1386',
        'google/gemini-2.5-flash       gemini-2.5-flash-001          0.900        75%             95%        0%       301 ms       640 ms  $0.2231',
        'mistral/mistral-small-latest  mistral-small-latest-sim-001  0.700        50%             85%        5%       520 ms      1300 ms  $0.0712',
        '',
        'best on score: openai/gpt-4o-mini (0.963)',
        'best on cost: mistral/mistral-small-latest ($0.0712 per 1k examples)',
        'best on latency: google/gemini-2.5-flash (p50 301 ms, p95 640 ms)',
        '',
      ].join('\n'),
    );
  });

  it('shows a dash for JSON adherence when no example asked for JSON, and says when nothing ran', () => {
    expect(renderEvalTable([summary('a/b', { json_adherence: null })]).split('\n')[2]).toMatch(
      / {14}— /,
    );
    expect(renderEvalTable([])).toBe('no candidates were evaluated\n');
  });
});

describe('renderEvalMarkdown', () => {
  it('renders the table, the best-on lines and the examples that did not pass with their failed checks', () => {
    const md = renderEvalMarkdown({
      id: 'ev_123',
      task: 'extraction',
      status: 'succeeded',
      candidates: [flash, mini],
      examples: [
        {
          id: 'inv-001',
          candidate: 'openai/gpt-4o-mini',
          score: 1,
          checks: [{ type: 'json_valid', score: 1, detail: 'ok' }],
        },
        {
          id: 'inv-002',
          candidate: 'google/gemini-2.5-flash',
          score: 0.5,
          checks: [
            { type: 'json_valid', score: 1, detail: 'valid JSON matching the schema' },
            {
              type: 'json_path_equals',
              score: 0,
              detail: '$.vendor is "ACME | Co", expected "Acme Co"',
            },
          ],
        },
        {
          id: 'inv-003',
          candidate: 'google/gemini-2.5-flash',
          score: 0,
          checks: [],
          error: { type: 'timeout', message: 'no answer in 30 s' },
        },
      ],
    });
    expect(md).toBe(
      [
        '# Evaluation: extraction',
        '',
        'run `ev_123` · status succeeded',
        '',
        '2 candidates, 20 examples each.',
        '',
        '| candidate | model revision | score | pass rate | JSON adherence | refusals | p50 latency | p95 latency | cost/1k |',
        '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| openai/gpt-4o-mini | gpt-4o-mini-2024-07-18 | 0.963 | 90% | 100% | 0% | 412 ms | 780 ms | $0.1386 |',
        '| google/gemini-2.5-flash | gemini-2.5-flash-001 | 0.900 | 75% | 95% | 0% | 301 ms | 640 ms | $0.2231 |',
        '',
        '- best on score: **openai/gpt-4o-mini** (0.963)',
        '- best on cost: **openai/gpt-4o-mini** ($0.1386 per 1k examples)',
        '- best on latency: **google/gemini-2.5-flash** (p50 301 ms, p95 640 ms)',
        '',
        '## Examples that did not pass',
        '',
        '| example | candidate | score | why |',
        '| --- | --- | ---: | --- |',
        '| inv-002 | google/gemini-2.5-flash | 0.500 | json_path_equals: $.vendor is "ACME \\| Co", expected "Acme Co" |',
        '| inv-003 | google/gemini-2.5-flash | 0.000 | timeout: no answer in 30 s |',
        '',
      ].join('\n'),
    );
  });
});

describe('suggestOrdering', () => {
  it('orders by score, then cost, then latency, and prints the trade-off of each step', () => {
    const tie = summary('anthropic/claude-haiku-4-5', {
      score: 0.9,
      cost_per_1k_usd: 0.2231,
      latency_ms: { p50: 250, p95: 600 },
    });
    const suggestion = suggestOrdering([small, flash, tie, mini]);
    expect(suggestion.order).toEqual([
      'openai/gpt-4o-mini',
      'anthropic/claude-haiku-4-5',
      'google/gemini-2.5-flash',
      'mistral/mistral-small-latest',
    ]);
    expect(suggestion.primary).toBe('openai/gpt-4o-mini');
    expect(suggestion.fallbacks).toEqual(suggestion.order.slice(1));
    expect(suggestion.tradeoffs).toEqual([
      'openai/gpt-4o-mini before anthropic/claude-haiku-4-5: score 0.963 vs 0.900; cheaper ($0.1386 vs $0.2231 per 1k); slower (p50 412 vs 250 ms)',
      'anthropic/claude-haiku-4-5 before google/gemini-2.5-flash: same score 0.900; same cost ($0.2231 per 1k); faster (p50 250 vs 301 ms)',
      'google/gemini-2.5-flash before mistral/mistral-small-latest: score 0.900 vs 0.700; costs 3.13× as much ($0.2231 vs $0.0712 per 1k); faster (p50 301 vs 520 ms)',
      'cheapest: mistral/mistral-small-latest at $0.0712 per 1k (openai/gpt-4o-mini costs 1.95× as much), scoring 0.263 lower',
    ]);
    expect(renderSuggestion('extraction', suggestion)).toBe(
      [
        '# suggested order for extraction (from the latest run; routes.yaml is not changed)',
        'extraction:',
        '  primary: openai/gpt-4o-mini',
        '  fallbacks: [anthropic/claude-haiku-4-5, google/gemini-2.5-flash, mistral/mistral-small-latest]',
        '',
        ...suggestion.tradeoffs.map((t) => `- ${t}`),
        '',
      ].join('\n'),
    );
    expect(suggestOrdering([])).toEqual({
      order: [],
      primary: undefined,
      fallbacks: [],
      tradeoffs: [],
    });
  });
});

describe('findEvalRegressions', () => {
  it('finds a candidate whose score fell more than max_drop, naming the revisions before and after', () => {
    const before = [mini, flash];
    const after = [
      {
        ...mini,
        score: 0.6,
        model_revisions: ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2026-01-15'],
      },
      { ...flash, score: 0.88 },
    ];
    expect(findEvalRegressions(before, after, { max_drop: 0.05 })).toEqual([
      {
        candidate: 'openai/gpt-4o-mini',
        reasons: ['score_drop'],
        revision_before: 'gpt-4o-mini-2024-07-18',
        revision_after: 'gpt-4o-mini-2026-01-15',
        score_before: 0.9625,
        score_after: 0.6,
        drop: 0.3625,
        message:
          'openai/gpt-4o-mini: score fell from 0.963 to 0.600 (more than max_drop 0.05); revision gpt-4o-mini-2024-07-18 → gpt-4o-mini-2026-01-15',
      },
    ]);
  });

  it('holds every candidate to min_score, new ones included, and is quiet when nothing regressed', () => {
    const newcomer = summary('groq/llama-3.3-70b-versatile', { score: 0.5 });
    const found = findEvalRegressions([mini], [mini, newcomer], { min_score: 0.8, max_drop: 0.1 });
    expect(found).toEqual([
      expect.objectContaining({
        candidate: 'groq/llama-3.3-70b-versatile',
        reasons: ['below_min_score'],
        revision_before: undefined,
        score_before: undefined,
        drop: undefined,
        message:
          'groq/llama-3.3-70b-versatile: score 0.500 is below min_score 0.8; revision llama-3.3-70b-versatile-001',
      }),
    ]);
    // A drop of exactly max_drop is within it.
    expect(
      findEvalRegressions([{ ...mini, score: 0.9 }], [{ ...mini, score: 0.8 }], { max_drop: 0.1 }),
    ).toEqual([]);
    expect(findEvalRegressions([mini], [mini], {})).toEqual([]);
  });

  it('names both reasons when a candidate fell past max_drop and below min_score', () => {
    const [finding] = findEvalRegressions([mini], [{ ...mini, score: 0.5 }], {
      min_score: 0.8,
      max_drop: 0.1,
    });
    expect(finding.reasons).toEqual(['below_min_score', 'score_drop']);
    expect(finding.message).toBe(
      'openai/gpt-4o-mini: score fell from 0.963 to 0.500 (more than max_drop 0.1); score 0.500 is below min_score 0.8; revision gpt-4o-mini-2024-07-18',
    );
  });
});
