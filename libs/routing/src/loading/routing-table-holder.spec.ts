import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingTableError } from '../routing-table-error';
import type { RoutingTable } from '../routing-table.types';
import { loadModelCatalog } from './model-catalog';
import { RoutingTableHolder, type RoutingTableLogger } from './routing-table-holder';

const catalog = loadModelCatalog();
const env = { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' };

function routes(primary: string): string {
  return [
    'providers:',
    '  openai: { kind: openai, api_key_env: OPENAI_API_KEY }',
    '  anthropic: { kind: anthropic, api_key_env: ANTHROPIC_API_KEY }',
    'tasks:',
    `  chat: { primary: ${primary}, fallbacks: [anthropic/claude-haiku-4-5] }`,
    '',
  ].join('\n');
}

class RecordingLogger implements RoutingTableLogger {
  readonly lines: string[] = [];
  private errorWaiters: Array<() => void> = [];
  log(message: string) {
    this.lines.push(`log ${message}`);
  }
  warn(message: string) {
    this.lines.push(`warn ${message}`);
  }
  error(message: string) {
    this.lines.push(`error ${message}`);
    this.errorWaiters.forEach((resolve) => resolve());
    this.errorWaiters = [];
  }
  nextError(): Promise<void> {
    return new Promise((resolve) => this.errorWaiters.push(resolve));
  }
}

function nextChange(holder: RoutingTableHolder): Promise<RoutingTable> {
  return new Promise((resolve) => {
    const off = holder.onChange((table) => {
      off();
      resolve(table);
    });
  });
}

describe('RoutingTableHolder', () => {
  let dir: string;
  let file: string;
  let holder: RoutingTableHolder | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-routes-'));
    file = join(dir, 'routes.yaml');
    writeFileSync(file, routes('openai/gpt-4o-mini'));
  });
  afterEach(() => {
    holder?.close();
    holder = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (logger = new RecordingLogger()) =>
    new RoutingTableHolder(file, env, logger, { catalog, pollIntervalMs: 50, debounceMs: 20 });

  it('loads the file on construction and refuses to start from a broken one', () => {
    holder = open();
    expect(holder.current.tasks.chat.primary).toBe('openai/gpt-4o-mini');
    expect(holder.current.source).toBe(file);
    writeFileSync(file, routes('openai/nope'));
    expect(() => open()).toThrow(RoutingTableError);
  });

  it('reload() swaps in a valid file and notifies listeners', () => {
    holder = open();
    const seen: string[] = [];
    holder.onChange((table) => seen.push(table.tasks.chat.primary));
    writeFileSync(file, routes('openai/gpt-4.1'));
    expect(holder.reload()).toMatchObject({ ok: true });
    expect(holder.current.tasks.chat.primary).toBe('openai/gpt-4.1');
    expect(seen).toEqual(['openai/gpt-4.1']);
  });

  it('reload() keeps the old table when the new file is broken, and logs why', () => {
    const logger = new RecordingLogger();
    holder = open(logger);
    const before = holder.current;
    writeFileSync(file, routes('openai/gpt-4o-mni'));
    const result = holder.reload();
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: 'tasks.chat.primary',
          message: expect.stringContaining('did you mean "openai/gpt-4o-mini"?'),
        },
      ],
    });
    expect(holder.current).toBe(before);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^error tasks\.chat\.primary: unknown model/),
    );
  });

  it('watch() picks up a valid change to the file', async () => {
    holder = open();
    holder.watch();
    const changed = nextChange(holder);
    writeFileSync(file, routes('openai/gpt-4o') + '# edited\n');
    expect((await changed).tasks.chat.primary).toBe('openai/gpt-4o');
    expect(holder.current.tasks.chat.primary).toBe('openai/gpt-4o');
  });

  it('watch() keeps the old table when the file changes to something broken', async () => {
    const logger = new RecordingLogger();
    holder = open(logger);
    holder.watch();
    const failed = logger.nextError();
    writeFileSync(file, 'providers: [this is not a mapping\n');
    await failed;
    expect(holder.current.tasks.chat.primary).toBe('openai/gpt-4o-mini');
  });

  it('watch() reloads on SIGHUP, and close() stops listening', async () => {
    holder = open();
    holder.watch();
    writeFileSync(file, routes('openai/gpt-4.1-mini'));
    const changed = nextChange(holder);
    process.emit('SIGHUP', 'SIGHUP');
    expect((await changed).tasks.chat.primary).toBe('openai/gpt-4.1-mini');
    holder.close();
    const listeners = process.listenerCount('SIGHUP');
    holder.watch();
    expect(process.listenerCount('SIGHUP')).toBe(listeners + 1);
    holder.close();
    expect(process.listenerCount('SIGHUP')).toBe(listeners);
  });
});
