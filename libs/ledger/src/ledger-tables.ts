/**
 * Every statement names its tables through here, qualified with the schema, so tests (and
 * deployments sharing a database) can isolate the ledger in a schema of their own without
 * relying on a connection's search_path.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class InvalidSchemaNameError extends Error {
  override readonly name = 'InvalidSchemaNameError';
}

export interface LedgerTables {
  schema: string;
  /** Quoted schema, for CREATE SCHEMA */
  quotedSchema: string;
  migrations: string;
  calls: string;
  regressions: string;
  /** One row per evaluation run (POST /v1/evals, scheduled runs) */
  evalRuns: string;
  /** One row per example × candidate of a run */
  evalResults: string;
}

export function ledgerTables(schema = 'public'): LedgerTables {
  // Identifiers cannot be bound as parameters, so the name is checked instead of escaped.
  if (!SCHEMA_NAME.test(schema)) {
    throw new InvalidSchemaNameError(`ledger schema must match ${SCHEMA_NAME}, got "${schema}"`);
  }
  const q = `"${schema}"`;
  return {
    schema,
    quotedSchema: q,
    migrations: `${q}.switchyard_migrations`,
    calls: `${q}.switchyard_calls`,
    regressions: `${q}.switchyard_regressions`,
    evalRuns: `${q}.switchyard_eval_runs`,
    evalResults: `${q}.switchyard_eval_results`,
  };
}
