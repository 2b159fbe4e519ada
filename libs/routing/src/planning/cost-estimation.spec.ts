import {
  actualCostUsd,
  estimateCostUsd,
  estimateInputTokens,
  maxTokensFor,
} from './cost-estimation';
import { model } from '../testing/plan-fixtures';

describe('cost estimation', () => {
  it('estimates four characters per token, rounding up, plus 1000 tokens per image', () => {
    expect(estimateInputTokens([{ role: 'user', content: 'abcdefghi' }])).toBe(3);
    expect(
      estimateInputTokens([
        { role: 'system', content: 'abcd' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'abcd' },
            { type: 'image', url: 'https://example.com/cat.png' },
            { type: 'image', data: 'AAAA', mime_type: 'image/png' },
          ],
        },
      ]),
    ).toBe(2 + 2000);
    expect(estimateInputTokens([])).toBe(0);
  });

  it('prices input and output per million tokens', () => {
    const m = model('a/one', { price: { input_per_mtok: 2.5, output_per_mtok: 10 } });
    expect(estimateCostUsd(m, 1000, 500)).toBe(0.0075);
    expect(actualCostUsd(m, { input_tokens: 1_000_000, output_tokens: 0 })).toBe(2.5);
    expect(actualCostUsd(m, { input_tokens: 3, output_tokens: 7 })).toBeCloseTo(0.0000775, 12);
  });

  it('bills cached reads and cache writes at their own prices, the rest of the prompt at the input price', () => {
    const m = model('anthropic/haiku', {
      price: {
        input_per_mtok: 1,
        output_per_mtok: 5,
        cached_input_per_mtok: 0.1,
        cache_write_per_mtok: 1.25,
      },
    });
    // 1M prompt tokens: 600k cached reads ($0.06), 200k cache writes ($0.25), 200k plain ($0.2)
    const usage = {
      input_tokens: 1_000_000,
      output_tokens: 0,
      cached_input_tokens: 600_000,
      cache_write_input_tokens: 200_000,
    };
    expect(actualCostUsd(m, usage)).toBeCloseTo(0.51, 12);
    // Without cached prices in the table, cached tokens cost what input does.
    expect(
      actualCostUsd(model('a/one', { price: { input_per_mtok: 1, output_per_mtok: 5 } }), usage),
    ).toBe(1);
  });

  it('picks max_tokens from the job, then the task, then the model cap bounded at 4096', () => {
    const big = model('a/one', { max_output_tokens: 64000 });
    const small = model('a/two', { max_output_tokens: 1000 });
    expect(maxTokensFor(big, { max_tokens: 300 }, 100)).toBe(100);
    expect(maxTokensFor(big, { max_tokens: 300 })).toBe(300);
    expect(maxTokensFor(big, {})).toBe(4096);
    expect(maxTokensFor(small, {})).toBe(1000);
  });

  it("caps the job's and the task's max_tokens at the model's max_output_tokens", () => {
    const small = model('a/two', { max_output_tokens: 1000 });
    expect(maxTokensFor(small, {}, 50_000)).toBe(1000);
    expect(maxTokensFor(small, { max_tokens: 2000 })).toBe(1000);
    expect(maxTokensFor(small, { max_tokens: 2000 }, 500)).toBe(500);
  });
});
