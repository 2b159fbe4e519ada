import { task } from '../testing/plan-fixtures';
import { routeJob } from '../rules/route-job';
import type { RuleSignals } from '../rules/rule.types';
import { applySplit, drawSplitArm, splitDraw, splitLabel } from './draw-split';
import type { SplitArm } from './split.types';

const arms: SplitArm[] = [
  { model: 'a/one', weight: 90 },
  { model: 'b/gemini-2.5-flash', weight: 10 },
];
const ids = Array.from({ length: 10_000 }, (_, i) => `job_${i.toString(36)}x${(i * 7919) % 10007}`);

describe('splitDraw', () => {
  it('is a number in [0, 1) fixed by the key', () => {
    for (const id of ids.slice(0, 100)) {
      const draw = splitDraw(id);
      expect(draw).toBeGreaterThanOrEqual(0);
      expect(draw).toBeLessThan(1);
      expect(splitDraw(id)).toBe(draw);
    }
    expect(splitDraw('job_a')).not.toBe(splitDraw('job_b'));
  });

  it('is uniform: each tenth of [0, 1) gets about a tenth of 10,000 keys', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const id of ids) deciles[Math.floor(splitDraw(id) * 10)] += 1;
    for (const n of deciles) expect(Math.abs(n - 1000)).toBeLessThan(100);
  });
});

describe('drawSplitArm', () => {
  it('a 90/10 split sends 90 % and 10 % of 10,000 jobs, within a few percent', () => {
    const counts = new Map<string, number>();
    for (const id of ids) {
      const arm = drawSplitArm(arms, id);
      counts.set(arm.model, (counts.get(arm.model) ?? 0) + 1);
    }
    expect(Math.abs((counts.get('a/one') ?? 0) / 10_000 - 0.9)).toBeLessThan(0.02);
    expect(Math.abs((counts.get('b/gemini-2.5-flash') ?? 0) / 10_000 - 0.1)).toBeLessThan(0.02);
  });

  it('three arms with weights that do not sum to 100 share in proportion', () => {
    const three: SplitArm[] = [
      { model: 'a/x', weight: 1 },
      { model: 'b/y', weight: 2 },
      { model: 'c/z', weight: 1 },
    ];
    const counts = new Map<string, number>();
    for (const id of ids) {
      const arm = drawSplitArm(three, id).model;
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    expect(Math.abs((counts.get('a/x') ?? 0) / 10_000 - 0.25)).toBeLessThan(0.02);
    expect(Math.abs((counts.get('b/y') ?? 0) / 10_000 - 0.5)).toBeLessThan(0.02);
    expect(Math.abs((counts.get('c/z') ?? 0) / 10_000 - 0.25)).toBeLessThan(0.02);
  });

  it('is deterministic: the same job id always draws the same arm', () => {
    for (const id of ids.slice(0, 500)) {
      expect(drawSplitArm(arms, id)).toBe(drawSplitArm([...arms], id));
    }
  });
});

describe('splitLabel', () => {
  it("is the model's own name (without the provider) @ the arm's weight", () => {
    expect(splitLabel({ model: 'google/gemini-2.5-flash', weight: 10 })).toBe(
      'gemini-2.5-flash@10',
    );
    expect(splitLabel({ model: 'groq/meta/llama-3', weight: 2.5 })).toBe('meta/llama-3@2.5');
  });
});

describe('applySplit', () => {
  const split = task({
    primary: 'a/one',
    split: arms,
    fallbacks: ['c/three', 'b/gemini-2.5-flash'],
  });

  it('makes the drawn arm the primary; the fallbacks keep their order', () => {
    const outcomes = new Set<string>();
    for (const id of ids.slice(0, 200)) {
      const { task: drawn, split: label } = applySplit(split, id);
      expect(drawn.split).toBeUndefined();
      expect(label).toBe(splitLabel(drawSplitArm(arms, id)));
      expect(drawn.primary).toBe(drawSplitArm(arms, id).model);
      // A fallback that is also the drawn arm is not tried twice.
      expect([drawn.primary, ...drawn.fallbacks]).toEqual(
        drawn.primary === 'a/one'
          ? ['a/one', 'c/three', 'b/gemini-2.5-flash']
          : ['b/gemini-2.5-flash', 'c/three'],
      );
      outcomes.add(drawn.primary);
    }
    expect(outcomes).toEqual(new Set(['a/one', 'b/gemini-2.5-flash']));
  });

  it('leaves a task without a split alone', () => {
    const plain = task();
    expect(applySplit(plain, 'job_1')).toEqual({ task: plain, split: null });
  });
});

describe('routeJob', () => {
  const signals: RuleSignals = {
    input_tokens: 9000,
    has_image: false,
    has_tools: false,
    response_format: 'text',
    messages: 1,
    metadata: {},
    tenant: 'acme',
  };

  it('applies the matching rule, then draws from the split the rule names', () => {
    const ruled = task({
      primary: 'a/one',
      fallbacks: ['c/three'],
      rules: [
        {
          name: 'long',
          when: { field: 'input_tokens', op: 'gt', value: 6000 },
          use: {
            split: [
              { model: 'd/four', weight: 1 },
              { model: 'e/five', weight: 1 },
            ],
            exclude_providers: ['c'],
          },
        },
      ],
    });
    const route = routeJob(ruled, signals, 'job_x');
    expect(route.rule).toBe('long');
    expect(route.exclude_providers).toEqual(['c']);
    expect(['four@1', 'five@1']).toContain(route.split);
    expect(route.task.primary).toBe(route.split === 'four@1' ? 'd/four' : 'e/five');
    expect(route.task.fallbacks).toEqual(['c/three']);
    expect(routeJob(ruled, signals, 'job_x')).toEqual(route);
  });

  it('no rule and no split: the task as it is', () => {
    const plain = task();
    expect(routeJob(plain, signals, 'job_x')).toEqual({
      task: plain,
      rule: null,
      split: null,
      exclude_providers: [],
    });
  });
});
