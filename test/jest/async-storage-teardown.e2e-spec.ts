/**
 * The repo's jest environment disables, when a test file ends, the AsyncLocalStorage that
 * jest-circus enabled for it (see test/support/jest-environment.js). A real jest run over several
 * generated test files, in band as `npm test` runs, records how many stores a fresh promise
 * carries in each file: constant with this environment; growing by one per file with jest's own
 * node environment (jest 30.5; if that control stops growing, jest fixed it and the environment's
 * fix can go).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');
const JEST = join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const FILES = 6;

const PROBE = `
test('records the stores on a new promise', () => {
  const stores = Object.getOwnPropertySymbols(new Promise(() => undefined)).length;
  require('node:fs').appendFileSync(process.env.STORAGE_PROBE_OUT, stores + '\\n');
});
`;

/** Stores per test file, in the order the files ran. */
function storesPerFile(testEnvironment: string): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'sy-jest-storages-'));
  try {
    for (let i = 0; i < FILES; i++) writeFileSync(join(dir, `file-${i}.probe.js`), PROBE);
    const out = join(dir, 'stores.txt');
    const config = { rootDir: dir, testEnvironment, testMatch: ['**/*.probe.js'], transform: {} };
    const run = spawnSync(
      process.execPath,
      [JEST, '--runInBand', '--ci', '--config', JSON.stringify(config)],
      { cwd: dir, env: { ...process.env, STORAGE_PROBE_OUT: out }, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`jest failed: ${run.stderr}`);
    return readFileSync(out, 'utf8').trim().split('\n').map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the repo's jest environment", () => {
  it('leaves no storage of a finished test file taxing the promises of the next', () => {
    const stores = storesPerFile(join(REPO_ROOT, 'test', 'support', 'jest-environment.js'));
    expect(stores).toHaveLength(FILES);
    expect(new Set(stores).size).toBe(1);
  });

  it("is needed: with jest's own node environment every file adds one", () => {
    const stores = storesPerFile('node');
    expect(stores).toHaveLength(FILES);
    expect(stores.slice(1).map((n, i) => n - stores[i])).toEqual(Array(FILES - 1).fill(1));
  });
});
