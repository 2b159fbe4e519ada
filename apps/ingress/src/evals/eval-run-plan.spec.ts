import type { AttemptRecord, JobRecord } from '@switchyard/jobs';
import type { EvalExample } from '@switchyard/evals';
import type { ModelConfig, TaskConfig } from '@switchyard/routing';
import {
  candidateOutputOf,
  evalJobKey,
  pickJudge,
  planEvalItems,
  resolveCandidates,
} from './eval-run-plan';

const task = (name: string, primary: string, fallbacks: string[]): TaskConfig => ({
  name,
  primary,
  fallbacks,
  requires: [],
  budget: { alert_at: 0.8 },
  on_invalid_output: 'fallback',
  retry: { attempts: 1, backoff_ms: 0 },
  ledger: { store_prompts: false, store_responses: false },
});
const extraction = task('extraction', 'openai/gpt-4o-mini', ['google/gemini-2.5-flash']);
const models = Object.fromEntries(
  ['openai/gpt-4o-mini', 'google/gemini-2.5-flash', 'anthropic/claude-haiku-4-5'].map((id) => [
    id,
    { id } as ModelConfig,
  ]),
);

describe('resolveCandidates', () => {
  it('all is the chain in order, primary the primary', () => {
    expect(resolveCandidates(extraction, models, 'all')).toEqual({
      ok: true,
      candidates: ['openai/gpt-4o-mini', 'google/gemini-2.5-flash'],
    });
    expect(resolveCandidates(extraction, models, 'primary')).toEqual({
      ok: true,
      candidates: ['openai/gpt-4o-mini'],
    });
  });

  it('all names every arm of a weighted primary', () => {
    const split = {
      ...extraction,
      split: [
        { model: 'openai/gpt-4o-mini', weight: 90 },
        { model: 'anthropic/claude-haiku-4-5', weight: 10 },
      ],
    };
    expect(resolveCandidates(split, models, 'all')).toEqual({
      ok: true,
      candidates: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash'],
    });
  });

  it('a list may name any model of the table, and names each unknown or repeated entry', () => {
    expect(resolveCandidates(extraction, models, ['anthropic/claude-haiku-4-5'])).toEqual({
      ok: true,
      candidates: ['anthropic/claude-haiku-4-5'],
    });
    expect(
      resolveCandidates(extraction, models, [
        'openai/gpt-4o-mini',
        'openai/gpt-9',
        'openai/gpt-4o-mini',
      ]),
    ).toEqual({
      ok: false,
      details: [
        {
          field: 'candidates[1]',
          problem: 'openai/gpt-9 is not a model of the routing table in force',
        },
        { field: 'candidates[2]', problem: 'openai/gpt-4o-mini is listed twice' },
      ],
    });
  });
});

describe('planEvalItems', () => {
  it('goes example by example, every candidate each, keeping dataset positions', () => {
    const examples = [{ id: 'a' }, { id: 'b' }] as EvalExample[];
    expect(
      planEvalItems(examples, ['x/1', 'y/2']).map((i) => [i.example.id, i.position, i.candidate]),
    ).toEqual([
      ['a', 0, 'x/1'],
      ['a', 0, 'y/2'],
      ['b', 1, 'x/1'],
      ['b', 1, 'y/2'],
    ]);
  });
});

describe('evalJobKey', () => {
  it('is stable per run, candidate and example, and differs otherwise', () => {
    const k = evalJobKey('eval_1', 'openai/gpt-4o-mini', 'inv-1');
    expect(k).toBe(evalJobKey('eval_1', 'openai/gpt-4o-mini', 'inv-1'));
    expect(k).toMatch(/^eval:eval_1:[0-9a-f]{40}$/);
    expect(
      new Set([
        k,
        evalJobKey('eval_2', 'openai/gpt-4o-mini', 'inv-1'),
        evalJobKey('eval_1', 'google/gemini-2.5-flash', 'inv-1'),
        evalJobKey('eval_1', 'openai/gpt-4o-mini', 'inv-2'),
        evalJobKey('eval_1', 'openai/gpt-4o-mini', 'inv-1', 'judge'),
      ]).size,
    ).toBe(5);
  });
});

describe('pickJudge', () => {
  const grading = task('grading', 'openai/gpt-4o-mini', ['anthropic/claude-haiku-4-5']);

  it('takes the first model of the judge chain on another provider than the candidate', () => {
    expect(pickJudge('grading', grading, 'openai/gpt-4o-mini')).toEqual({
      ok: true,
      pin: 'anthropic/claude-haiku-4-5',
    });
    expect(pickJudge('grading', grading, 'google/gemini-2.5-flash')).toEqual({
      ok: true,
      pin: 'openai/gpt-4o-mini',
    });
  });

  it('falls back to the judge primary on the same provider, saying why', () => {
    const solo = task('grading', 'openai/gpt-4o-mini', []);
    expect(pickJudge('grading', solo, 'openai/gpt-4.1')).toEqual({
      ok: true,
      pin: 'openai/gpt-4o-mini',
      note: 'judge task "grading" has no model on a provider other than openai, so openai/gpt-4o-mini graded openai/gpt-4.1',
    });
  });

  it('fails a judge task that is not in the table', () => {
    expect(pickJudge('nope', undefined, 'openai/gpt-4o-mini')).toEqual({
      ok: false,
      problem: 'judge task "nope" is not in the routing table',
    });
  });
});

describe('candidateOutputOf', () => {
  const base = {
    id: 'job_1',
    cost_usd: 0.002,
  } as JobRecord;
  const attempts = [
    { hop: 0, try: 0, provider: 'openai', model: 'm', status: 'failed', latency_ms: 30 },
    {
      hop: 0,
      try: 1,
      provider: 'openai',
      model: 'm',
      status: 'failed',
      latency_ms: 40,
      model_revision: 'm-1',
    },
  ] as AttemptRecord[];

  it('maps a succeeded job result', () => {
    const job = {
      ...base,
      status: 'succeeded',
      result: {
        text: '{"total":1}',
        json: { total: 1 },
        tool_calls: [{ id: 'c1', name: 'f', arguments: { a: 1 } }],
        provider: 'openai',
        model: 'm',
        model_revision: 'm-2',
        finish_reason: 'stop',
        usage: { input_tokens: 1, output_tokens: 1 },
        cost_usd: 0.002,
        latency_ms: 120,
      },
    } as JobRecord;
    expect(candidateOutputOf(job, [])).toEqual({
      text: '{"total":1}',
      json: { total: 1 },
      toolCalls: [{ name: 'f', arguments: { a: 1 } }],
      finishReason: 'stop',
      latencyMs: 120,
      costUsd: 0.002,
      modelRevision: 'm-2',
    });
  });

  it('a failed job carries its error type, spent time and cost, and the last revision seen', () => {
    const job = {
      ...base,
      status: 'failed',
      error: { type: 'overloaded', message: '503' },
    } as JobRecord;
    expect(candidateOutputOf(job, attempts)).toEqual({
      text: '',
      latencyMs: 70,
      costUsd: 0.002,
      modelRevision: 'm-1',
      errorType: 'overloaded',
      errorMessage: '503',
    });
  });

  it('a refused or timed-out submission carries the given failure', () => {
    expect(candidateOutputOf(null, [], { type: 'budget_exhausted', message: 'spent' })).toEqual({
      text: '',
      latencyMs: 0,
      costUsd: 0,
      errorType: 'budget_exhausted',
      errorMessage: 'spent',
    });
  });
});
