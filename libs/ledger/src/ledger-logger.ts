/** The one method the ledger logs with; a Nest Logger fits as is. */
export interface LedgerLogger {
  warn(message: string): void;
}

export const consoleLedgerLogger: LedgerLogger = {
  warn: (message) => console.warn(message),
};
