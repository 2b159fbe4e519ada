/**
 * The listing's cursor: the (creation ms, id) of the last job a page returned, opaque to clients
 * (base64url of `<score>:<id>`). A page resumes strictly below it in the index's order.
 */
export interface ListPosition {
  id: string;
  score: number;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
  }
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.score}:${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  const text = Buffer.from(cursor, 'base64url').toString();
  const sep = text.indexOf(':');
  const score = Number(text.slice(0, sep));
  if (sep <= 0 || !Number.isFinite(score)) throw new InvalidCursorError();
  return { score, id: text.slice(sep + 1) };
}

/** Index order is score descending, then id descending (ZREVRANGEBYSCORE): is `e` after `bound`? */
export function isBelow(e: ListPosition, bound: ListPosition): boolean {
  return e.score < bound.score || (e.score === bound.score && e.id < bound.id);
}
