import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The compiled CLI as operators run it (`npm run routes:check`). Needs `npm run build` first;
 * the built entry point is required, so a missing build fails loudly instead of passing.
 */
const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/apps/cli/src/routes-check.js');

function check(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { PATH, HOME } = process.env;
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH, HOME, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('routes-check (compiled)', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    dir = mkdtempSync(join(tmpdir(), 'sy-routes-e2e-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the shipped routes.yaml (finding the model catalog from dist) and exits 0', () => {
    const result = check(['routes.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^routes\.yaml: ok, 0 errors, 5 warnings/m);
    expect(result.stdout).not.toMatch(/^error: /m);
    expect(result.status).toBe(0);
  });

  it('defaults to SWITCHYARD_ROUTES, prints errors with paths and exits 1', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'providers:',
        '  openai: { kind: openai, api_key_env: OPENAI_API_KEY }',
        'tasks:',
        '  extraction: { primary: openai/gpt-4o-mini, fallbacks: [openai/gpt-4o-mni] }',
        '',
      ].join('\n'),
    );
    const result = check([], { SWITCHYARD_ROUTES: file, OPENAI_API_KEY: 'k' });
    expect(result.stdout).toContain(
      'error: tasks.extraction.fallbacks[0]: unknown model "openai/gpt-4o-mni" (did you mean "openai/gpt-4o-mini"?)\n',
    );
    expect(result.stdout).toContain(`${file}: invalid, 1 error, 0 warnings`);
    expect(result.status).toBe(1);
  });
});
