import { createHash } from 'node:crypto';
import { ledgerTables } from './ledger-tables';
import { MIGRATIONS, type Migration } from './migrations';
import type { SqlClient } from './sql-client';

export interface MigrateOptions {
  /** Defaults to public. */
  schema?: string;
  /** Only for tests of the runner itself. */
  migrations?: readonly Migration[];
}

export interface MigrateResult {
  applied: number[];
  current: number;
}

/** A stable 64-bit key per schema, so processes migrating different schemas do not wait on each other. */
function advisoryLockKey(schema: string): string {
  const digest = createHash('sha256').update(`switchyard-ledger:${schema}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Brings the schema up to date in one transaction. A transaction-scoped advisory lock serialises
 * processes starting together; the second one waits, then finds nothing left to do. The schema is
 * created under the lock too, because concurrent CREATE SCHEMA IF NOT EXISTS can still collide.
 */
export async function runMigrations(
  client: SqlClient,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const t = ledgerTables(options.schema);
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryLockKey(t.schema)]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${t.quotedSchema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const { rows } = await tx.query<{ version: number }>(`SELECT version FROM ${t.migrations}`);
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements(t)) await tx.query(statement);
      await tx.query(`INSERT INTO ${t.migrations} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    const current = migrations.length ? migrations[migrations.length - 1].version : 0;
    return { applied, current: Math.max(current, ...done) };
  });
}
