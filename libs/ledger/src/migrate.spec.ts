import { runMigrations } from './migrate';
import { MIGRATIONS } from './migrations';
import { PgSqlClient } from './pg-sql-client';
import {
  openPgliteBackend,
  openPostgresBackend,
  TEST_DATABASE_URL,
  type TestBackend,
} from './testing/ledger-test-support';
import { InvalidSchemaNameError, type LedgerTables } from './ledger-tables';

const ALL_VERSIONS = MIGRATIONS.map((m) => m.version);

describe.each([
  ['postgres', () => openPostgresBackend('migr')],
  ['pglite', () => openPgliteBackend('migr')],
])('runMigrations on %s', (_name, open) => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = open();
    // PGlite takes a few seconds to start; pay for it here, not inside a test's timeout.
    await backend.client.query('SELECT 1');
  }, 60_000);
  afterAll(async () => {
    await backend.cleanup();
  });

  it('applies every migration once, then nothing', async () => {
    const first = await runMigrations(backend.client, { schema: backend.schema });
    expect(first.applied).toEqual(ALL_VERSIONS);
    const second = await runMigrations(backend.client, { schema: backend.schema });
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(Math.max(...ALL_VERSIONS));
    const { rows } = await backend.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${backend.schema}".switchyard_migrations`,
    );
    expect(rows[0].n).toBe(ALL_VERSIONS.length);
  });

  it('creates the tables in the given schema only', async () => {
    const { rows } = await backend.client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [backend.schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      'switchyard_calls',
      'switchyard_eval_results',
      'switchyard_eval_runs',
      'switchyard_migrations',
      'switchyard_regressions',
    ]);
  });

  it('rolls a failing migration back entirely', async () => {
    const broken = [
      ...MIGRATIONS,
      {
        version: 999,
        name: 'broken',
        statements: (t: LedgerTables) => [
          `CREATE TABLE ${t.quotedSchema}.should_not_exist (id int)`,
          'SELECT no_such_function()',
        ],
      },
    ];
    await expect(
      runMigrations(backend.client, { schema: backend.schema, migrations: broken }),
    ).rejects.toThrow();
    const { rows } = await backend.client.query<{ version: number }>(
      `SELECT version FROM "${backend.schema}".switchyard_migrations WHERE version = 999`,
    );
    expect(rows).toHaveLength(0);
    const tables = await backend.client.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'should_not_exist'`,
      [backend.schema],
    );
    expect(tables.rows).toHaveLength(0);
  });
});

describe('runMigrations with two processes starting at once (postgres)', () => {
  const backend = openPostgresBackend('race');
  const other = new PgSqlClient({ connectionString: TEST_DATABASE_URL });

  afterAll(async () => {
    await other.close();
    await backend.cleanup();
  });

  it('applies each version exactly once and both succeed', async () => {
    const [a, b] = await Promise.all([
      runMigrations(backend.client, { schema: backend.schema }),
      runMigrations(other, { schema: backend.schema }),
    ]);
    expect([...a.applied, ...b.applied].sort()).toEqual(ALL_VERSIONS);
    const { rows } = await backend.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${backend.schema}".switchyard_migrations`,
    );
    expect(rows[0].n).toBe(ALL_VERSIONS.length);
  });
});

describe('schema names', () => {
  it('refuses names that would need quoting', async () => {
    const client = new PgSqlClient({ connectionString: TEST_DATABASE_URL });
    try {
      await expect(runMigrations(client, { schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(
        InvalidSchemaNameError,
      );
    } finally {
      await client.close();
    }
  });
});
