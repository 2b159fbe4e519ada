import { ApiError } from '../http/api-error';

export const MAX_PREFER_WAIT_SECONDS = 60;

/** `Prefer: wait=N` (RFC 7240); other preferences in the header are ignored. */
export function parsePreferWait(header: string | undefined): number {
  if (!header) return 0;
  for (const token of header.split(/[,;]/)) {
    const m = /^\s*wait\s*=\s*"?([^"\s]*)"?\s*$/i.exec(token);
    if (!m) continue;
    const n = Number(m[1]);
    if (!Number.isInteger(n) || n < 0 || n > MAX_PREFER_WAIT_SECONDS) {
      throw ApiError.field(
        'Prefer',
        `wait must be an integer from 0 to ${MAX_PREFER_WAIT_SECONDS}`,
      );
    }
    return n;
  }
  return 0;
}
