/**
 * Spend is stored as integer micro-USD: Redis's HINCRBY is exact on integers, and summing
 * thousands of float costs would drift. A micro-dollar is far below any single call's cost.
 */
export function toMicroUsd(usd: number): number {
  if (!Number.isFinite(usd) || usd < 0)
    throw new RangeError(`expected a non-negative USD amount, got ${usd}`);
  return Math.round(usd * 1_000_000);
}

export function fromMicroUsd(micro: number): number {
  return micro / 1_000_000;
}
