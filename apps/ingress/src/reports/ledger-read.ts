import { LedgerQueryError, type LedgerHandle } from '@switchyard/ledger';
import type { LedgerService } from '@switchyard/runtime';
import { ApiError } from '../http/api-error';

/**
 * Runs a read against the ledger: 503 while it is not connected (or off), and a caller's mistake
 * (`field: problem`) as a 400 naming the field. The same mapping as ObservabilityController's.
 */
export async function readLedger<T>(
  ledger: LedgerService,
  fn: (handle: LedgerHandle) => Promise<T>,
): Promise<T> {
  const handle = ledger.ready;
  if (!handle) {
    throw ApiError.unavailable(
      ledger.enabled
        ? 'the call ledger is not connected yet; retry shortly'
        : 'the call ledger is off: set DATABASE_URL',
    );
  }
  try {
    return await fn(handle);
  } catch (err) {
    if (err instanceof LedgerQueryError) {
      const named = /^([A-Za-z_]+):\s*(.+)$/s.exec(err.message);
      throw named ? ApiError.field(named[1], named[2]) : ApiError.badRequest(err.message);
    }
    throw err;
  }
}

/** A repeated query parameter arrives as an array: refused rather than quietly joined. */
export function singleValued(query: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      throw ApiError.field(field, 'must be given once, as a single value');
    }
  }
}
