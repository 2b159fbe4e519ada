/**
 * Which receiver a delivery occupies: the URL's host and port. Every tenant names its own
 * receivers, so capping deliveries per destination keeps one tenant's slow or dead receivers from
 * holding the whole pool while another tenant's webhooks wait.
 */
export function webhookDestinationKey(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url; // unparsable URLs fail in the HTTP client; they still get a (shared) slot here
  }
}

/**
 * In-flight deliveries per destination in one dispatcher process, at most `limit` each. A delivery
 * that finds its destination full is postponed instead of waiting inside a pool slot.
 */
export class DestinationSlots {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** True and counted when the destination has a free slot; release() it when done. */
  tryAcquire(destination: string): boolean {
    const n = this.inFlight.get(destination) ?? 0;
    if (n >= this.limit) return false;
    this.inFlight.set(destination, n + 1);
    return true;
  }

  release(destination: string): void {
    const n = (this.inFlight.get(destination) ?? 0) - 1;
    if (n > 0) this.inFlight.set(destination, n);
    else this.inFlight.delete(destination);
  }

  count(destination: string): number {
    return this.inFlight.get(destination) ?? 0;
  }
}

/** How long a delivery to a full destination waits before trying again: short, jittered. */
export function destinationPostponeMs(random: () => number = Math.random): number {
  return 500 + Math.floor(random() * 500);
}
