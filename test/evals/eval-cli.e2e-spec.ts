import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_ROUTES, REPO_ROOT, SwitchyardStack } from '@switchyard/testing';
import { EVAL_KEY, SHIPPED_EVALS_DIR, loadShippedAnswers } from './eval-fixtures';

const cli = (entry: string) => join(REPO_ROOT, 'dist/apps/cli/src', entry);

/** The compiled CLI as operators run it, asynchronously: the simulator lives in this process. */
function run(entry: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [cli(entry), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('npm run eval, routes:suggest and routes:check --eval against a running stack', () => {
  let stack: SwitchyardStack;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    for (const entry of ['eval.js', 'routes-suggest.js', 'routes-check.js']) {
      if (!existsSync(cli(entry))) throw new Error(`${cli(entry)} is missing: npm run build first`);
    }
    dir = mkdtempSync(join(tmpdir(), 'sy-eval-cli-'));
    stack = await SwitchyardStack.start({
      providers: ['openai', 'google', 'anthropic'],
      ledger: true,
      env: { SWITCHYARD_EVAL_KEYS: `acme=${EVAL_KEY}`, SWITCHYARD_EVALS_DIR: SHIPPED_EVALS_DIR },
    });
    stack.sim.state.load(await loadShippedAnswers());
    env = { SWITCHYARD_API_KEY: EVAL_KEY };
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm run eval prints the table and writes the Markdown report', async () => {
    const report = join(dir, 'report.md');
    const result = await run(
      'eval.js',
      ['--task', 'extraction', '--candidates', 'all', '--out', report, '--url', stack.baseUrl],
      env,
    );
    expect(result.stderr).toMatch(/eval eval_\w+: succeeded, 40\/40/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^extraction: run eval_\w+$/m);
    expect(result.stdout).toMatch(
      /openai\/gpt-4o-mini\s+gpt-4o-mini-2024-07-18\s+0\.\d{3}\s+85%\s+100%/,
    );
    expect(result.stdout).toMatch(
      /google\/gemini-2\.5-flash\s+gemini-2\.5-flash-001\s+0\.\d{3}\s+65%/,
    );
    expect(result.stdout).toMatch(/best on score.*openai\/gpt-4o-mini/i);
    const markdown = readFileSync(report, 'utf8');
    expect(markdown).toMatch(/^#/m);
    expect(markdown).toContain('openai/gpt-4o-mini');
    expect(markdown).toContain('ext-inv-');
  });

  it('npm run eval refuses without a key that may run evaluations', async () => {
    const result = await run('eval.js', ['--task', 'extraction', '--url', stack.baseUrl], {
      SWITCHYARD_API_KEY: 'sk-acme-test-key-1',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/403.*eval role/);
  });

  it('routes:suggest proposes an ordering from the latest run and leaves the file alone', async () => {
    const before = readFileSync(E2E_ROUTES, 'utf8');
    const result = await run(
      'routes-suggest.js',
      ['--task', 'extraction', '--url', stack.baseUrl],
      env,
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/from run eval_\w+/);
    expect(result.stdout).toMatch(/primary: openai\/gpt-4o-mini/);
    expect(readFileSync(E2E_ROUTES, 'utf8')).toBe(before);
  });

  it('routes:check --eval fails a table whose new primary scores worse, passes the original', async () => {
    const original = readFileSync(E2E_ROUTES, 'utf8');
    const worse = join(dir, 'routes.worse.yaml');
    writeFileSync(
      worse,
      original.replace(
        'extraction:\n    primary: openai/gpt-4o-mini\n    fallbacks: [google/gemini-2.5-flash]',
        'extraction:\n    primary: google/gemini-2.5-flash\n    fallbacks: [openai/gpt-4o-mini]\n    evals: { max_drop: 0.01 }',
      ),
    );
    expect(readFileSync(worse, 'utf8')).not.toBe(original);

    const failing = await run('routes-check.js', ['--eval', worse, '--url', stack.baseUrl], env);
    expect(failing.stdout).toMatch(
      /extraction: chain changed; evaluating google\/gemini-2\.5-flash and openai\/gpt-4o-mini$/m,
    );
    const verdict =
      /FAIL: extraction: new primary google\/gemini-2\.5-flash (\d\.\d{3}) vs old primary openai\/gpt-4o-mini (\d\.\d{3})/.exec(
        failing.stdout,
      );
    expect(verdict).not.toBeNull();
    const [, next, old] = (verdict as RegExpExecArray).map(Number);
    expect(old - next).toBeGreaterThan(0.01);
    expect(failing.stdout).toMatch(
      /below the old primary openai\/gpt-4o-mini \(\d\.\d{3}; max_drop 0\.01\)/,
    );
    expect(failing.status).toBe(1);

    // Against the table as a base file too, with nothing in force consulted.
    const viaBase = await run(
      'routes-check.js',
      ['--eval', worse, '--base', E2E_ROUTES, '--url', stack.baseUrl],
      env,
    );
    expect(viaBase.status).toBe(1);

    const passing = await run(
      'routes-check.js',
      ['--eval', E2E_ROUTES, '--url', stack.baseUrl],
      env,
    );
    expect(passing.stdout).toMatch(/nothing to evaluate/);
    expect(passing.status).toBe(0);

    // A change that keeps the primary (fallbacks reordered) is evaluated and passes.
    const reordered = join(dir, 'routes.reordered.yaml');
    writeFileSync(
      reordered,
      original.replace(
        'extraction:\n    primary: openai/gpt-4o-mini\n    fallbacks: [google/gemini-2.5-flash]',
        'extraction:\n    primary: openai/gpt-4o-mini\n    fallbacks: [anthropic/claude-haiku-4-5, google/gemini-2.5-flash]\n    evals: { examples: 5, min_score: 0.5 }',
      ),
    );
    const kept = await run('routes-check.js', ['--eval', reordered, '--url', stack.baseUrl], env);
    expect(kept.stdout).toMatch(/evaluating openai\/gpt-4o-mini on 5 examples/);
    expect(kept.stdout).toMatch(
      /^pass: extraction: new primary openai\/gpt-4o-mini \d\.\d{3} \(run eval_\w+\)$/m,
    );
    expect(kept.status).toBe(0);
  });
});
