import { Pool, type PoolConfig } from 'pg';
import type { SqlClient, SqlParam, SqlQueryable, SqlResult } from './sql-client';

export interface PgSqlClientOptions {
  connectionString: string;
  /** Pool size; the ledger writes in batches, so a few connections are plenty. */
  max?: number;
  /** A blackholed host must not hang writers forever. */
  connectionTimeoutMillis?: number;
  statementTimeoutMillis?: number;
  /** Called for errors of idle pooled connections (a restarted server, for instance). */
  onPoolError?: (err: Error) => void;
}

export class PgSqlClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;

  constructor(options: PgSqlClientOptions) {
    const config: PoolConfig = {
      connectionString: options.connectionString,
      max: options.max ?? 5,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
      statement_timeout: options.statementTimeoutMillis ?? 15000,
      query_timeout: (options.statementTimeoutMillis ?? 15000) + 2000,
      application_name: 'switchyard-ledger',
    };
    this.pool = new Pool(config);
    // Without a listener an idle client's error would crash the process.
    this.pool.on('error', (err) => options.onPoolError?.(err));
  }

  async query<T extends object>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<SqlResult<T>> {
    const result = await this.pool.query(sql, [...params]);
    return { rows: result.rows as T[] };
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const conn = await this.pool.connect();
    const tx: SqlQueryable = {
      async query<R extends object>(sql: string, params: readonly SqlParam[] = []) {
        const result = await conn.query(sql, [...params]);
        return { rows: result.rows as R[] };
      },
    };
    let broken = false;
    try {
      await conn.query('BEGIN');
      const value = await fn(tx);
      await conn.query('COMMIT');
      return value;
    } catch (err) {
      try {
        await conn.query('ROLLBACK');
      } catch {
        // The connection itself is gone; do not hand it back to the pool.
        broken = true;
      }
      throw err;
    } finally {
      conn.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
