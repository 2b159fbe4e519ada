import { LedgerQueryError } from './ledger-query-error';

/**
 * Position after the last row of a page: created_at in whole microseconds since the epoch (the
 * database's own precision, which a JS Date would round away) and the row id, both as digit strings.
 */
export interface CallCursor {
  createdAtMicros: string;
  id: string;
}

const DIGITS = /^-?\d{1,20}$/;

export function encodeCursor(cursor: CallCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAtMicros, cursor.id]), 'utf8').toString(
    'base64url',
  );
}

export function decodeCursor(raw: string): CallCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new LedgerQueryError('cursor: not a cursor this API returned');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !DIGITS.test(parsed[0]) ||
    !DIGITS.test(parsed[1])
  ) {
    throw new LedgerQueryError('cursor: not a cursor this API returned');
  }
  return { createdAtMicros: parsed[0], id: parsed[1] };
}
