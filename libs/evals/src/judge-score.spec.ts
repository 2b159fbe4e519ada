import { judgeMessages, parseJudgeScore } from './judge-score';

describe('parseJudgeScore', () => {
  it.each([
    ['{"score": 0.8, "reason": "mostly right"}', 0.8],
    ['```json\n{"reason": "ok", "score": 1}\n```', 1],
    ['{"score": "0.25"}', 0.25],
    ['{"score": 7}', 0.7],
    ['{"score": 0.6, "details": {"accuracy": 1, "style": 0.2}}', 0.6],
    ['Score: 8/10', 0.8],
    ['The answer is correct but terse.\nScore: 0.7', 0.7],
    ['**Rating:** 4 out of 5', 0.8],
    ['grade = 9', 0.9],
    ['score: 85%', 0.85],
    ['I would give it 3/4.', 0.75],
    ['Roughly 60% right.', 0.6],
    ['0.7', 0.7],
    ['  1  ', 1],
    ['0', 0],
    ['.5', 0.5],
  ])('reads %j as %p', (text, expected) => {
    expect(parseJudgeScore(text)).toBeCloseTo(expected as number, 10);
  });

  it.each([
    ['Looks fine to me.'],
    [''],
    ['Score: 15/10'],
    ['{"score": -1}'],
    ['{"score": 250}'],
    ['The answer lists 3 items.'],
    ['Score: 0/0'],
  ])('finds no score in %j', (text) => {
    expect(parseJudgeScore(text)).toBeNull();
  });
});

describe('judgeMessages', () => {
  it('gives the judge the rubric, the conversation, the reference and the answer, asking for JSON', () => {
    const messages = judgeMessages({
      rubric: 'Award 1 when the steps are right.',
      example: {
        id: 'q1',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in the picture?' },
              { type: 'image', url: 'https://x/y.png' },
            ],
          },
        ],
        expected: 'A red square',
        checks: [],
      },
      output: { text: 'A red square.', latencyMs: 1, costUsd: 0 },
    });
    expect(messages[0]).toMatchObject({ role: 'system' });
    expect(messages[0].content).toContain('{"score": <number from 0 to 1>');
    expect(messages[1]).toEqual({
      role: 'user',
      content:
        '## Rubric\nAward 1 when the steps are right.\n\n## Conversation\nUSER: What is in the picture?\n[image]' +
        '\n\n## Reference answer\nA red square\n\n## Answer to grade\nA red square.',
    });
  });
});
