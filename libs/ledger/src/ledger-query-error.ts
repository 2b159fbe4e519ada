/** A caller's mistake in a ledger query (bad cursor, unknown group_by); HTTP layers map it to 400. */
export class LedgerQueryError extends Error {
  override readonly name = 'LedgerQueryError';
}
