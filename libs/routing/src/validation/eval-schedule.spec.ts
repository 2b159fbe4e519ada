import { loadModelCatalog } from '../loading/model-catalog';
import { parseRoutingTable } from '../loading/parse-routing-table';
import { RoutingTableError } from '../routing-table-error';
import type { RoutingIssue } from '../routing-table.types';
import { evalRunDue, parseEvalSchedule, readTaskEvals } from './eval-schedule';

describe('parseEvalSchedule', () => {
  it('reads intervals and cron expressions', () => {
    expect(parseEvalSchedule('every 6h')).toEqual({ kind: 'every', ms: 6 * 3_600_000 });
    expect(parseEvalSchedule('every 2s')).toEqual({ kind: 'every', ms: 2_000 });
    const cron = parseEvalSchedule('0 */6 * * 1-5');
    expect(cron).toMatchObject({ kind: 'cron' });
    expect(typeof cron !== 'string' && cron.kind === 'cron' && cron.fields[1]).toEqual([
      0, 6, 12, 18,
    ]);
  });

  it('names what is wrong', () => {
    expect(parseEvalSchedule('every day')).toMatch(/must be "every N\{s\|m\|h\|d\}" or a cron/);
    expect(parseEvalSchedule('61 * * * *')).toBe('cron: minute must be within 0-59');
    expect(parseEvalSchedule('every 0s')).toBe('the interval must be longer than 0');
  });
});

describe('evalRunDue', () => {
  const every = { kind: 'every', ms: 60_000 } as const;
  it('an interval is due at once the first time, then once it has passed', () => {
    expect(evalRunDue(every, undefined, 1_000_000)).toBe(true);
    expect(evalRunDue(every, 1_000_000, 1_059_999)).toBe(false);
    expect(evalRunDue(every, 1_000_000, 1_060_000)).toBe(true);
  });

  it('a cron schedule is due when a matching minute passed since the last run', () => {
    const hourly = parseEvalSchedule('0 * * * *');
    if (typeof hourly === 'string') throw new Error(hourly);
    const at = (iso: string) => Date.parse(iso);
    expect(evalRunDue(hourly, at('2026-12-02T10:00:00Z'), at('2026-12-02T10:59:00Z'))).toBe(false);
    expect(evalRunDue(hourly, at('2026-12-02T10:00:00Z'), at('2026-12-02T11:00:30Z'))).toBe(true);
  });
});

describe('readTaskEvals', () => {
  it('accepts the documented keys', () => {
    const issues: RoutingIssue[] = [];
    expect(
      readTaskEvals(
        { schedule: 'every 6h', examples: 20, min_score: 0.8, max_drop: 0.05 },
        'tasks.extraction.evals',
        issues,
      ),
    ).toEqual({ schedule: 'every 6h', examples: 20, min_score: 0.8, max_drop: 0.05 });
    expect(issues).toEqual([]);
  });

  it('reports every bad key with its path', () => {
    const issues: RoutingIssue[] = [];
    expect(
      readTaskEvals(
        { schedule: 'hourly', examples: 0, min_score: 2, max_drop: 'x', every: 1 },
        'tasks.extraction.evals',
        issues,
      ),
    ).toBeUndefined();
    expect(issues.map((i) => i.path)).toEqual([
      'tasks.extraction.evals.every',
      'tasks.extraction.evals.schedule',
      'tasks.extraction.evals.examples',
      'tasks.extraction.evals.min_score',
      'tasks.extraction.evals.max_drop',
    ]);
  });
});

describe('tasks.<name>.evals in a routes file', () => {
  const table = (evals: string) => `
providers:
  openai: { kind: openai, api_key_env: X_OPENAI }
tasks:
  extraction:
    primary: openai/gpt-4o-mini
    evals: ${evals}
`;

  it('loads onto the task', () => {
    const { table: loaded } = parseRoutingTable(
      table('{ schedule: "every 6h", examples: 20, max_drop: 0.05 }'),
      'test.yaml',
      {},
      { catalog: loadModelCatalog() },
    );
    expect(loaded.tasks.extraction.evals).toEqual({
      schedule: 'every 6h',
      examples: 20,
      max_drop: 0.05,
    });
  });

  it('rejects a bad schedule at its path', () => {
    try {
      parseRoutingTable(
        table('{ schedule: "61 * * * *" }'),
        'test.yaml',
        {},
        {
          catalog: loadModelCatalog(),
        },
      );
      throw new Error('loaded');
    } catch (err) {
      expect(err).toBeInstanceOf(RoutingTableError);
      expect((err as RoutingTableError).issues).toEqual([
        { path: 'tasks.extraction.evals.schedule', message: 'cron: minute must be within 0-59' },
      ]);
    }
  });
});
