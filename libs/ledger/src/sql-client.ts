/**
 * The ledger's only view of a database. Two implementations (node-postgres and PGlite) run the same
 * SQL, so everything above this interface is written once.
 */
export type SqlParam = string | number | boolean | null;

export interface SqlResult<T> {
  rows: T[];
}

export interface SqlQueryable {
  /** One statement per call: PGlite's parameterised protocol does not accept several. */
  query<T extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<SqlResult<T>>;
}

export interface SqlClient extends SqlQueryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn on one connection between BEGIN and COMMIT; rolls back when fn rejects. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
