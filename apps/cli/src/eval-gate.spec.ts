import type { CandidateSummary } from '@switchyard/evals';
import { changedTasks, gateVerdict } from './eval-gate';

const summary = (candidate: string, score: number) => ({ candidate, score }) as CandidateSummary;

describe('changedTasks', () => {
  it('names tasks whose primary or fallbacks differ, and new tasks', () => {
    const base = {
      a: { primary: 'x/1', fallbacks: ['y/1'] },
      b: { primary: 'x/1', fallbacks: ['y/1'] },
      c: { primary: 'x/1', fallbacks: ['y/1', 'z/1'] },
    };
    const next = {
      a: { primary: 'x/1', fallbacks: ['y/1'] },
      b: { primary: 'y/1', fallbacks: ['x/1'] },
      c: { primary: 'x/1', fallbacks: ['z/1', 'y/1'] },
      d: { primary: 'z/1', fallbacks: [] },
    };
    expect(changedTasks(base, next)).toEqual([
      { task: 'b', newPrimary: 'y/1', oldPrimary: 'x/1' },
      { task: 'c', newPrimary: 'x/1', oldPrimary: 'x/1' },
      { task: 'd', newPrimary: 'z/1' },
    ]);
  });
});

describe('gateVerdict', () => {
  const change = { task: 'extraction', newPrimary: 'google/g', oldPrimary: 'openai/o' };

  it('fails a new primary more than max_drop below the old one', () => {
    const v = gateVerdict(change, [summary('openai/o', 1), summary('google/g', 0.667)], {
      max_drop: 0.1,
    });
    expect(v.ok).toBe(false);
    expect(v.reasons).toEqual([
      'new primary google/g scores 0.667, 0.333 below the old primary openai/o (1.000; max_drop 0.1)',
    ]);
  });

  it('passes within max_drop, and uses the default drop when the task sets none', () => {
    expect(gateVerdict(change, [summary('openai/o', 1), summary('google/g', 0.95)]).ok).toBe(true);
    expect(gateVerdict(change, [summary('openai/o', 1), summary('google/g', 0.9)]).ok).toBe(false);
  });

  it('fails below min_score even when the old primary did no better', () => {
    const v = gateVerdict(change, [summary('openai/o', 0.5), summary('google/g', 0.5)], {
      min_score: 0.8,
    });
    expect(v.reasons).toEqual(['new primary google/g scores 0.500, below min_score 0.8']);
  });

  it('passes an unchanged primary whose fallbacks moved when it scores well', () => {
    const same = { task: 'extraction', newPrimary: 'openai/o', oldPrimary: 'openai/o' };
    expect(gateVerdict(same, [summary('openai/o', 1)], { min_score: 0.9 })).toEqual({
      ok: true,
      reasons: [],
      summary: 'extraction: new primary openai/o 1.000',
    });
  });
});
