import type { CandidateOutput, EvalCheck, EvalExample } from './eval.types';
import { scoreExample } from './score-example';

const output = (over: Partial<CandidateOutput> = {}): CandidateOutput => ({
  text: '',
  latencyMs: 500,
  costUsd: 0.001,
  ...over,
});

const example = (checks: EvalCheck[], over: Partial<EvalExample> = {}): EvalExample => ({
  id: 'ex-1',
  messages: [{ role: 'user', content: 'Extract the invoice.' }],
  checks,
  ...over,
});

const invoiceSchema = {
  type: 'object',
  properties: { total: { type: 'number' }, vendor: { type: 'string' } },
  required: ['total', 'vendor'],
};

async function one(check: EvalCheck, out: CandidateOutput, over: Partial<EvalExample> = {}) {
  const result = await scoreExample(example([check], over), out);
  return result.checks[0];
}

describe('scoreExample: each check against fixed outputs', () => {
  it('equals compares trimmed text, with the value or the example’s expected answer', async () => {
    expect(
      (await one({ type: 'equals', value: 'Paris' }, output({ text: '  Paris\n' }))).score,
    ).toBe(1);
    expect((await one({ type: 'equals', value: 'Paris' }, output({ text: 'paris' }))).score).toBe(
      0,
    );
    const fromExpected = await one({ type: 'equals' }, output({ text: '42' }), { expected: '42' });
    expect(fromExpected).toEqual({ type: 'equals', score: 1, detail: 'equals "42"', weight: 1 });
  });

  it('contains and not_contains, case-sensitive unless ignore_case', async () => {
    const text = output({ text: 'The total is EUR 99.50.' });
    expect((await one({ type: 'contains', value: '99.50' }, text)).score).toBe(1);
    expect((await one({ type: 'contains', value: 'eur' }, text)).score).toBe(0);
    expect((await one({ type: 'contains', value: 'eur', ignore_case: true }, text)).score).toBe(1);
    expect((await one({ type: 'not_contains', value: 'USD' }, text)).score).toBe(1);
    const hit = await one({ type: 'not_contains', value: 'total' }, text);
    expect(hit).toMatchObject({ score: 0, detail: 'contains "total"' });
  });

  it('regex matches the text with its flags', async () => {
    const text = output({ text: 'Answer: 17 apples' });
    expect((await one({ type: 'regex', pattern: '^answer: \\d+', flags: 'i' }, text)).score).toBe(
      1,
    );
    expect((await one({ type: 'regex', pattern: '^answer: \\d+' }, text)).score).toBe(0);
    const lines = output({ text: 'Working:\n2 + 2\nANSWER: 4' });
    expect((await one({ type: 'regex', pattern: '^answer: 4$', flags: 'im' }, lines)).score).toBe(
      1,
    );
    expect((await one({ type: 'regex', pattern: 'Working:.2', flags: 's' }, lines)).score).toBe(1);
    // Linear time: a pattern that backtracks exponentially in JavaScript answers at once.
    const started = Date.now();
    const evil = await one(
      { type: 'regex', pattern: '^(a|a)+$' },
      output({ text: `${'a'.repeat(40)}!` }),
    );
    expect(evil.score).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('json_valid checks the check’s, the example’s or the task’s schema, else plain JSON', async () => {
    const good = output({ text: '{"total": 99.5, "vendor": "Acme"}' });
    const bad = output({ text: '{"total": "99.5", "vendor": "Acme"}' });
    const withFormat = { response_format: { type: 'json_schema' as const, schema: invoiceSchema } };
    expect((await one({ type: 'json_valid' }, good, withFormat)).score).toBe(1);
    const wrong = await one({ type: 'json_valid' }, bad, withFormat);
    expect(wrong.score).toBe(0);
    expect(wrong.detail).toMatch(/does not match the schema: .*total must be number/);
    expect((await one({ type: 'json_valid', schema: invoiceSchema }, bad)).score).toBe(0);
    expect((await one({ type: 'json_valid' }, bad)).score).toBe(1);
    const notJson = await one({ type: 'json_valid' }, output({ text: 'Sure! Here it is' }));
    expect(notJson).toMatchObject({
      score: 0,
      detail: 'the answer is not JSON: "Sure! Here it is"',
    });
    const task = await scoreExample(example([{ type: 'json_valid' }]), bad, {
      taskSchema: invoiceSchema,
    });
    expect(task.checks[0].score).toBe(0);
    // A fenced JSON answer is still JSON.
    expect(
      (await one({ type: 'json_valid' }, output({ text: '```json\n{"a":1}\n```' }))).score,
    ).toBe(1);
  });

  it('json_path_equals reads $.a.b[0] paths from the parsed answer (deep equality)', async () => {
    const json = {
      invoice: { lines: [{ sku: 'A-1', qty: 2 }], tags: ['x', 'y'] },
      'due date': '2025-01-31',
    };
    const out = output({ text: JSON.stringify(json) });
    expect(
      (await one({ type: 'json_path_equals', path: '$.invoice.lines[0].sku', value: 'A-1' }, out))
        .score,
    ).toBe(1);
    expect(
      (await one({ type: 'json_path_equals', path: '$.invoice.tags', value: ['x', 'y'] }, out))
        .score,
    ).toBe(1);
    expect(
      (await one({ type: 'json_path_equals', path: '$["due date"]', value: '2025-01-31' }, out))
        .score,
    ).toBe(1);
    expect(
      await one({ type: 'json_path_equals', path: '$.invoice.lines[0].qty', value: 3 }, out),
    ).toMatchObject({
      score: 0,
      detail: '$.invoice.lines[0].qty is 2, expected 3',
    });
    expect(
      await one({ type: 'json_path_equals', path: '$.invoice.lines[1].sku', value: 'A-1' }, out),
    ).toMatchObject({
      score: 0,
      detail: '$.invoice.lines[1] is missing',
    });
    // The job's parsed json wins over the text.
    const parsed = output({ text: 'ignored', json: { total: 5 } });
    expect((await one({ type: 'json_path_equals', path: '$.total', value: 5 }, parsed)).score).toBe(
      1,
    );
  });

  it('number_close passes within the tolerance and names the distance otherwise', async () => {
    const out = output({ text: '{"total": 99.48, "note": "99.5"}' });
    expect(
      (await one({ type: 'number_close', path: '$.total', value: 99.5, tolerance: 0.05 }, out))
        .score,
    ).toBe(1);
    expect(
      await one({ type: 'number_close', path: '$.total', value: 99.5, tolerance: 0.01 }, out),
    ).toMatchObject({
      score: 0,
      detail: '$.total is 99.48, 0.02 away from 99.5 (tolerance 0.01)',
    });
    expect(
      (await one({ type: 'number_close', path: '$.note', value: 99.5, tolerance: 1 }, out)).detail,
    ).toBe('$.note is "99.5", not a number');
  });

  it('tool_called scores the tool and the share of expected arguments it got right', async () => {
    const out = output({
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: 'F', days: 3 } }],
    });
    expect((await one({ type: 'tool_called', name: 'get_weather' }, out)).score).toBe(1);
    const half = await one(
      { type: 'tool_called', name: 'get_weather', arguments: { city: 'Paris', unit: 'C' } },
      out,
    );
    expect(half).toMatchObject({
      score: 0.5,
      detail: 'called get_weather; unit was "F", expected "C"',
    });
    expect(await one({ type: 'tool_called', name: 'book_flight' }, out)).toMatchObject({
      score: 0,
      detail: 'called get_weather, not book_flight',
    });
    expect((await one({ type: 'tool_called', name: 'x' }, output())).detail).toBe(
      'no tool call (expected x)',
    );
  });

  it('refusal detects refusal phrasing and content-filter stops; refused: false wants an answer', async () => {
    const refusal = output({ text: "I'm sorry, but I can't help with that request." });
    const filtered = output({ text: '', finishReason: 'content_filter' });
    const answer = output({ text: 'Here is how to reset your password: open Settings.' });
    expect((await one({ type: 'refusal' }, refusal)).score).toBe(1);
    expect(await one({ type: 'refusal' }, filtered)).toMatchObject({
      score: 1,
      detail: 'stopped by the content filter',
    });
    expect(await one({ type: 'refusal' }, answer)).toMatchObject({
      score: 0,
      detail: 'answered, expected a refusal',
    });
    expect((await one({ type: 'refusal', refused: false }, answer)).score).toBe(1);
    expect((await one({ type: 'refusal', refused: false }, refusal)).score).toBe(0);
    // A hedge later in a real answer is not a refusal.
    const hedge = output({
      text: `${'The capital is Canberra. '.repeat(12)}I can't help with more detail.`,
    });
    expect((await one({ type: 'refusal', refused: false }, hedge)).score).toBe(1);
  });

  it('max_latency_ms and max_cost_usd compare the call’s latency and cost', async () => {
    const out = output({ latencyMs: 1200, costUsd: 0.004 });
    expect((await one({ type: 'max_latency_ms', value: 1500 }, out)).score).toBe(1);
    expect(await one({ type: 'max_latency_ms', value: 1000 }, out)).toMatchObject({
      score: 0,
      detail: '1200 ms > 1000 ms',
    });
    expect((await one({ type: 'max_cost_usd', value: 0.005 }, out)).score).toBe(1);
    expect((await one({ type: 'max_cost_usd', value: 0.001 }, out)).score).toBe(0);
    const pricey = output({ costUsd: 0.1 + 0.2 });
    expect(await one({ type: 'max_cost_usd', value: 0.25 }, pricey)).toMatchObject({
      score: 0,
      detail: '$0.3 > $0.25',
    });
  });

  it('judge hands the rubric, example and answer to the judge and parses its score', async () => {
    const seen: unknown[] = [];
    const judge = async (req: { task: string; rubric: string }) => {
      seen.push({ task: req.task, rubric: req.rubric });
      return { text: 'Score: 8/10 — correct but terse' };
    };
    const ex = example([{ type: 'judge', task: 'reasoning', rubric: 'Is the proof correct?' }]);
    const result = await scoreExample(ex, output({ text: 'QED' }), { judge });
    expect(seen).toEqual([{ task: 'reasoning', rubric: 'Is the proof correct?' }]);
    expect(result.checks[0].score).toBeCloseTo(0.8);
    expect(result.score).toBeCloseTo(0.8);
    expect(result.passed).toBe(false);

    const noScore = await scoreExample(ex, output({ text: 'QED' }), {
      judge: async () => ({ text: 'Looks fine.' }),
    });
    expect(noScore.checks[0]).toMatchObject({
      score: 0,
      detail: 'the judge\'s answer has no score: "Looks fine."',
    });
    const failing = await scoreExample(ex, output(), {
      judge: async () => {
        throw new Error('judge job failed: budget_exceeded');
      },
    });
    expect(failing.checks[0].detail).toBe('the judge failed: judge job failed: budget_exceeded');
    expect((await scoreExample(ex, output())).checks[0].detail).toBe(
      'no judge available to grade this answer',
    );
  });
});

describe('scoreExample: the example score', () => {
  it('is the weighted mean of its checks, passing only when every check passes', async () => {
    const ex = example([
      { type: 'contains', value: 'Paris', weight: 3 },
      { type: 'contains', value: 'France' },
    ]);
    const partial = await scoreExample(ex, output({ text: 'Paris' }));
    expect(partial.score).toBeCloseTo(0.75);
    expect(partial.passed).toBe(false);
    const full = await scoreExample(ex, output({ text: 'Paris, France' }));
    expect(full).toMatchObject({ score: 1, passed: true, refused: false });
  });

  it('scores a failed candidate 0 on every check, naming the error type, without calling the judge', async () => {
    let judged = 0;
    const ex = example(
      [{ type: 'json_valid' }, { type: 'judge', task: 'reasoning', rubric: 'r' }],
      { response_format: { type: 'json_schema', schema: invoiceSchema } },
    );
    const failed = output({
      errorType: 'invalid_output',
      errorMessage: 'not JSON',
      latencyMs: 30000,
    });
    const result = await scoreExample(ex, failed, {
      judge: async () => {
        judged++;
        return { text: '1' };
      },
    });
    expect(judged).toBe(0);
    expect(result).toEqual({
      score: 0,
      passed: false,
      refused: false,
      json_adherent: false,
      checks: [
        {
          type: 'json_valid',
          score: 0,
          weight: 1,
          detail: 'the candidate failed: invalid_output: not JSON',
        },
        {
          type: 'judge',
          score: 0,
          weight: 1,
          detail: 'the candidate failed: invalid_output: not JSON',
        },
      ],
    });
  });

  it('counts a job the content filter failed as a refusal, scoring 0', async () => {
    const ex = example([{ type: 'refusal', refused: false }]);
    const filtered = output({ errorType: 'content_filtered', errorMessage: 'blocked' });
    expect(await scoreExample(ex, filtered)).toMatchObject({
      score: 0,
      refused: true,
      passed: false,
    });
    expect((await scoreExample(ex, output({ errorType: 'timeout' }))).refused).toBe(false);
  });

  it('records JSON adherence only for examples that ask for JSON, and refusals for every example', async () => {
    const withFormat = example([{ type: 'json_path_equals', path: '$.total', value: 1 }], {
      response_format: { type: 'json_schema', schema: invoiceSchema },
    });
    const adherent = await scoreExample(
      withFormat,
      output({ text: '{"total": 2, "vendor": "A"}' }),
    );
    expect(adherent).toMatchObject({ score: 0, json_adherent: true });
    const broken = await scoreExample(withFormat, output({ text: '{"total": 1}' }));
    expect(broken).toMatchObject({ score: 1, json_adherent: false });
    const text = await scoreExample(
      example([{ type: 'contains', value: 'x' }]),
      output({ text: 'I cannot help with that.' }),
    );
    expect(text.json_adherent).toBeUndefined();
    expect(text.refused).toBe(true);
  });
});
