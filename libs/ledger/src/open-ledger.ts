import { CallLedger, type CallLedgerOptions } from './call-ledger';
import { createSqlClient } from './create-sql-client';
import { EvalStore } from './eval-store';
import { LedgerQueries } from './ledger-queries';
import { LedgerReports } from './ledger-reports';
import { runMigrations } from './migrate';
import { RegressionDetector } from './regression-detector';
import type { RegressionThresholds } from './regression.types';
import type { SqlClient } from './sql-client';

export interface OpenLedgerOptions extends Omit<CallLedgerOptions, 'client'> {
  databaseUrl?: string;
  dataDir: string;
  regressionThresholds?: Partial<RegressionThresholds>;
  /** An already open client (tests); databaseUrl and dataDir are then ignored. */
  client?: SqlClient;
}

export interface LedgerHandle {
  client: SqlClient;
  ledger: CallLedger;
  queries: LedgerQueries;
  /** Series and report totals (the console, the weekly report) */
  reports: LedgerReports;
  regressions: RegressionDetector;
  /** Evaluation runs and their per-example results */
  evals: EvalStore;
  /** Flushes queued rows, then closes the database client. */
  close(): Promise<void>;
}

/** Start-up in one call: connect (PostgreSQL or PGlite), migrate, and build the ledger's parts. */
export async function openLedger(options: OpenLedgerOptions): Promise<LedgerHandle> {
  const client =
    options.client ??
    createSqlClient({
      databaseUrl: options.databaseUrl,
      dataDir: options.dataDir,
      onPoolError: (err) =>
        (options.logger ?? console).warn(`ledger: idle database connection failed: ${err.message}`),
    });
  try {
    await runMigrations(client, { schema: options.schema });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  const ledger = new CallLedger({ ...options, client });
  return {
    client,
    ledger,
    queries: new LedgerQueries(client, options.schema),
    reports: new LedgerReports(client, options.schema),
    regressions: new RegressionDetector(client, {
      schema: options.schema,
      thresholds: options.regressionThresholds,
    }),
    evals: new EvalStore(client, options.schema),
    async close() {
      await ledger.flush();
      await client.close();
    },
  };
}
