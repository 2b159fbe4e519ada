/**
 * A caller's mistake in a ledger query (bad cursor, unknown group_by); HTTP layers map it to 400.
 * The message starts with the offending field, `field: problem`, so the 400 can name it.
 */
export class LedgerQueryError extends Error {
  override readonly name = 'LedgerQueryError';
}
