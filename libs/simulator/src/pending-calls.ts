import type { ServerResponse } from 'node:http';

/** Calls the simulator is holding (delayed or hung), so close() can end them without waiting. */
export class PendingCalls {
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Keeps the call open until the client gives up or the simulator closes. */
  hold(res: ServerResponse): void {
    this.held.add(res);
    res.on('close', () => this.held.delete(res));
  }

  delay(ms: number, res: ServerResponse, send: () => void): void {
    if (ms <= 0) {
      send();
      return;
    }
    this.hold(res);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.held.delete(res);
      send();
    }, ms);
    this.timers.add(timer);
  }

  /** Calls held open right now (delayed, hung or stalled), whose client has not gone away. */
  get size(): number {
    return this.held.size;
  }

  closeAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}
