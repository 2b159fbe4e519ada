import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runRoutesCheck } from './routes-check-command';

const SHIPPED = resolve(__dirname, '../../../routes.yaml');
const ALL_KEYS = {
  OPENAI_API_KEY: 'k',
  ANTHROPIC_API_KEY: 'k',
  GEMINI_API_KEY: 'k',
  GROQ_API_KEY: 'k',
  MISTRAL_API_KEY: 'k',
};

function run(argv: string[], env: NodeJS.ProcessEnv = ALL_KEYS) {
  let text = '';
  const code = runRoutesCheck(argv, env, { write: (chunk: string) => (text += chunk) });
  return { code, lines: text.trimEnd().split('\n') };
}

describe('routes-check', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-routes-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the shipped routes.yaml with no errors and no warnings when every key is set', () => {
    const { code, lines } = run([SHIPPED]);
    expect(lines).toEqual([
      `${SHIPPED}: ok, 0 errors, 0 warnings (5 providers, 26 usable models, 5 tasks)`,
    ]);
    expect(code).toBe(0);
  });

  it('warns, without failing, about each provider key that is unset', () => {
    const { code, lines } = run([SHIPPED], {});
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith('warning: '))).toHaveLength(5);
    expect(lines).toContain(
      'warning: providers.openai.api_key_env: OPENAI_API_KEY is not set; calls to "openai" will go to the simulator',
    );
  });

  it('warns about a rule an earlier rule shadows and a rule whose chain stays on one provider', () => {
    const ruled = readFileSync(SHIPPED, 'utf8').replace(
      '    rules:\n',
      [
        '    rules:',
        '      - name: huge',
        '        when: { input_tokens: { gt: 1000 } }',
        '        use: { primary: anthropic/claude-sonnet-4-5, fallbacks: [anthropic/claude-haiku-4-5] }',
        '      - name: huger',
        '        when: { input_tokens: { gt: 8000 } }',
        '        use: { require: [text] }',
        '',
      ].join('\n'),
    );
    const file = join(dir, 'ruled.yaml');
    writeFileSync(file, ruled);
    const { code, lines } = run([file]);
    expect(lines).toEqual([
      'warning: tasks.chat.rules[0].use: the chain of rule "huge" has no fallback on a provider other than "anthropic" (of "anthropic/claude-sonnet-4-5"); an outage of "anthropic" fails every job the rule matches',
      'warning: tasks.chat.rules[1].when: rule "huger" can never match: the earlier rule "huge" (rules[0]) matches every job it would',
      // long-or-vip (rules[2]) also matches enterprise jobs of any length: not shadowed.
      `${file}: ok, 0 errors, 2 warnings (5 providers, 26 usable models, 5 tasks)`,
    ]);
    expect(code).toBe(0);
  });

  it('prints every error with its path, a summary, and exits 1', () => {
    const broken = readFileSync(SHIPPED, 'utf8')
      .replace(
        'fallbacks: [google/gemini-2.5-flash, mistral',
        'fallbacks: [openai/gpt-4o-mni, mistral',
      )
      .replace('kind: anthropic', 'kind: antropic');
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, broken);
    const { code, lines } = run([file]);
    expect(lines).toEqual([
      'error: providers.anthropic.kind: must be one of openai, anthropic, google, openai-compatible, got "antropic"',
      'error: tasks.extraction.fallbacks[0]: unknown model "openai/gpt-4o-mni" (did you mean "openai/gpt-4o-mini"?)',
      `${file}: invalid, 2 errors, 0 warnings`,
    ]);
    expect(code).toBe(1);
  });

  it('reads the file named by SWITCHYARD_ROUTES when no argument is given', () => {
    const file = join(dir, 'from-env.yaml');
    writeFileSync(file, 'providers: {}\ntasks: {}\n');
    const { code, lines } = run([], { SWITCHYARD_ROUTES: file });
    expect(code).toBe(1);
    expect(lines).toContain('error: providers: must declare at least one provider');
  });

  it('reports a missing file as an error', () => {
    const file = join(dir, 'missing.yaml');
    const { code, lines } = run([file]);
    expect(code).toBe(1);
    expect(lines[0]).toBe(`error: ${file}: cannot read the routes file (ENOENT)`);
  });

  it('prints usage for --help and for too many arguments', () => {
    expect(run(['--help']).code).toBe(0);
    expect(run(['a.yaml', 'b.yaml'])).toEqual({
      code: 2,
      lines: [expect.stringMatching(/^usage: /)],
    });
  });
});
