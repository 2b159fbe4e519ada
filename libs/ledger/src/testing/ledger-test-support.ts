import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgSqlClient } from '../pg-sql-client';
import { PgliteSqlClient } from '../pglite-sql-client';
import type { SqlClient } from '../sql-client';

/** Helpers for the ledger's own specs: real databases, isolated per test file. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export function randomSchema(label = 'ledger'): string {
  return `syt_${label}_${randomBytes(5).toString('hex')}`;
}

/** A port nothing listens on: bound by us a moment ago, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 1;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestBackend {
  name: 'postgres' | 'pglite';
  client: SqlClient;
  schema: string;
  /** Drops what the test created and closes the client. */
  cleanup(): Promise<void>;
}

export function openPostgresBackend(label?: string): TestBackend {
  const client = new PgSqlClient({ connectionString: TEST_DATABASE_URL });
  const schema = randomSchema(label);
  return {
    name: 'postgres',
    client,
    schema,
    async cleanup() {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.close();
    },
  };
}

export function openPgliteBackend(label?: string): TestBackend {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ledger-'));
  const client = new PgliteSqlClient(join(dir, 'ledger'));
  return {
    name: 'pglite',
    client,
    schema: randomSchema(label),
    async cleanup() {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
