import { join } from 'node:path';
import { PgSqlClient } from './pg-sql-client';
import { PgliteSqlClient } from './pglite-sql-client';
import type { SqlClient } from './sql-client';

export interface CreateSqlClientOptions {
  /** postgres://… ; when absent the ledger runs on embedded PGlite. */
  databaseUrl?: string;
  /** Switchyard's data directory (SWITCHYARD_DATA_DIR); PGlite keeps its files in `<dataDir>/ledger`. */
  dataDir: string;
  onPoolError?: (err: Error) => void;
}

export function createSqlClient(options: CreateSqlClientOptions): SqlClient {
  if (options.databaseUrl) {
    return new PgSqlClient({
      connectionString: options.databaseUrl,
      onPoolError: options.onPoolError,
    });
  }
  return new PgliteSqlClient(join(options.dataDir, 'ledger'));
}
