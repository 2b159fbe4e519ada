/** Four significant digits, no trailing zeros: 0.0045, 0.1235, 12.5. */
export function formatUsd(amount: number): string {
  return String(Number(amount.toPrecision(4)));
}
