/** The usual rule of thumb (about four characters per token), good enough for realistic usage. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** A flat per-image charge, in the range the real APIs bill for a small image. */
export const IMAGE_TOKENS = 85;
