import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvalDatasetError, loadDataset, parseDataset } from './dataset-loader';

const line = (value: unknown): string => JSON.stringify(value);
const good = {
  id: 'inv-1',
  messages: [{ role: 'user', content: 'Invoice INV-1: total EUR 99.50' }],
  response_format: {
    type: 'json_schema',
    schema: { type: 'object', properties: { total: { type: 'number' } } },
  },
  checks: [
    { type: 'json_valid' },
    { type: 'number_close', path: '$.total', value: 99.5, tolerance: 0.01, weight: 2 },
  ],
};

function problemsOf(text: string): string[] {
  try {
    parseDataset(text, 'extraction.jsonl');
  } catch (err) {
    expect(err).toBeInstanceOf(EvalDatasetError);
    return (err as EvalDatasetError).problems;
  }
  throw new Error('expected the dataset to be refused');
}

describe('dataset loader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evals-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads <dir>/<task>.jsonl, one example a line, skipping blank lines', async () => {
    const second = {
      id: 'q-2',
      messages: [{ role: 'user', content: '2+2?' }],
      expected: '4',
      checks: [{ type: 'equals' }],
    };
    await writeFile(join(dir, 'mixed.jsonl'), `${line(good)}\n\n${line(second)}\n`);
    const examples = await loadDataset(dir, 'mixed');
    expect(examples.map((e) => e.id)).toEqual(['inv-1', 'q-2']);
    expect(examples[0].checks[1]).toEqual(good.checks[1]);
  });

  it('says which file is missing, and refuses task names that are not plain', async () => {
    await expect(loadDataset(dir, 'nope')).rejects.toThrow(
      `no dataset for task "nope": ${join(dir, 'nope.jsonl')} does not exist`,
    );
    await expect(loadDataset(dir, '../etc/passwd')).rejects.toThrow(EvalDatasetError);
  });

  it('names the line and field of every problem', () => {
    const text = [
      line(good),
      '{"id": "broken", ',
      line({ ...good, id: 'inv-1' }),
      line({ id: 'x', messages: [], checks: [] }),
      line({ ...good, id: 'c', checks: [{ type: 'json_path_equal', path: '$.a', value: 1 }] }),
      line({ ...good, id: 'd', checks: [{ type: 'number_close', path: 'total', value: '99.5' }] }),
      line({
        ...good,
        id: 'e',
        checks: [
          { type: 'contains', value: 'x', tolerence: 1 },
          { type: 'regex', pattern: '(' },
        ],
      }),
      line({
        ...good,
        id: 'f',
        checks: [
          { type: 'equals' },
          { type: 'judge', task: 'reasoning' },
          { type: 'contains', value: 'a', weight: 0 },
        ],
      }),
      line({
        ...good,
        id: 'g',
        response_format: { type: 'json_schema', schema: { type: 'nonsense' } },
      }),
      line({ ...good, id: 'h', messages: [{ role: 'bot', content: 'hi' }] }),
      line({ ...good, id: 'i', checks: [{ type: 'regex', pattern: '^(\\w+)\\s\\1$' }] }),
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems).toEqual([
      expect.stringMatching(/^extraction\.jsonl:2: not valid JSON/),
      'extraction.jsonl:3: id: "inv-1" is already used on line 1',
      'extraction.jsonl:4: messages: must be a non-empty array of {role, content}',
      'extraction.jsonl:4: checks: must be a non-empty array of checks',
      expect.stringMatching(
        /^extraction\.jsonl:5: checks\[0\]\.type: must be one of equals, contains, .*judge; got "json_path_equal"$/,
      ),
      'extraction.jsonl:6: checks[0].tolerance: required for a number_close check',
      'extraction.jsonl:6: checks[0].path: must start with $ (e.g. $.total)',
      'extraction.jsonl:6: checks[0].value: must be a number, got "99.5"',
      'extraction.jsonl:7: checks[0].tolerence: not a field of a contains check (value, ignore_case, weight)',
      expect.stringMatching(
        /^extraction\.jsonl:7: checks\[1\]\.pattern: not a valid regular expression/,
      ),
      'extraction.jsonl:8: checks[0].value: required unless the example has a string "expected"',
      'extraction.jsonl:8: checks[1].rubric: required for a judge check',
      'extraction.jsonl:8: checks[2].weight: must be a number > 0, got 0',
      expect.stringMatching(
        /^extraction\.jsonl:9: response_format\.schema: the response schema is not valid/,
      ),
      'extraction.jsonl:10: messages[0].role: must be one of system, user, assistant, tool',
      'extraction.jsonl:10: messages: the last message must be a user (or tool) message for the model to answer',
      expect.stringMatching(
        /^extraction\.jsonl:11: checks\[0\]\.pattern: is not a pattern the linear-time engine \(RE2\) accepts/,
      ),
    ]);
  });

  it('puts the problems in the error message too, and refuses an empty dataset', () => {
    expect(() => parseDataset(`${line(good)}\n{`, 'x.jsonl')).toThrow(
      /^x\.jsonl: a problem:\n {2}x\.jsonl:2: not valid JSON/,
    );
    expect(() => parseDataset('\n\n', 'x.jsonl')).toThrow('x.jsonl: the dataset has no examples');
  });

  it('checks JSON paths in the $.a.b[0] form', () => {
    const withPath = (path: string) =>
      line({ ...good, checks: [{ type: 'json_path_equals', path, value: 1 }] });
    expect(parseDataset(withPath('$.lines[0].sku'))).toHaveLength(1);
    expect(parseDataset(withPath('$["due date"]'))).toHaveLength(1);
    expect(problemsOf(withPath('$.lines[x]'))).toEqual([
      'extraction.jsonl:1: checks[0].path: expected .key, [index] or ["key"] at "[x]"',
    ]);
  });
});
