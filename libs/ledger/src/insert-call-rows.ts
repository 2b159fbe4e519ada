import { insertCallsStatement, type PreparedCall } from './prepared-call';
import type { SqlQueryable } from './sql-client';

/** SQLSTATE classes 22 (data exception) and 23 (constraint violation): the rows, not the database. */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * Stores a batch in one multi-row INSERT (rows whose call_key is stored already are skipped).
 * When the batch is refused because of its data, it is retried row by row so one bad row cannot
 * take its neighbours down: each row refused on its own goes to `onRejected`. Any other error
 * (the database is down, slow, read-only) is thrown and nothing is counted: the caller decides
 * whether the rows are retried or lost.
 */
export async function insertCallRows(
  client: SqlQueryable,
  table: string,
  rows: readonly PreparedCall[],
  onRejected: (row: PreparedCall, err: unknown) => void,
): Promise<void> {
  if (rows.length === 0) return;
  try {
    const { sql, params } = insertCallsStatement(table, rows);
    await client.query(sql, params);
  } catch (err) {
    if (!isDataError(err)) throw err;
    if (rows.length === 1) {
      onRejected(rows[0], err);
      return;
    }
    for (const row of rows) await insertCallRows(client, table, [row], onRejected);
  }
}
