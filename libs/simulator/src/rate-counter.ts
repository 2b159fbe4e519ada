/**
 * Deterministic stand-in for "fail with probability p": per key, the n-th decision fires when
 * floor((n+1)·p) > floor(n·p). Exactly p of any long run fires, 1 always fires, 0 never does, and a
 * test can predict which call fails without seeding anything.
 */
export class RateCounter {
  private readonly counts = new Map<string, number>();

  fires(key: string, rate: number | undefined): boolean {
    if (rate === undefined || rate <= 0) return false;
    if (rate >= 1) return true;
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    return Math.floor((n + 1) * rate) > Math.floor(n * rate);
  }

  reset(): void {
    this.counts.clear();
  }
}
