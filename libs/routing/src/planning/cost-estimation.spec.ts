import {
  actualCostUsd,
  estimateCostUsd,
  estimateInputTokens,
  maxTokensFor,
} from './cost-estimation';
import { model } from './plan-fixtures';

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
