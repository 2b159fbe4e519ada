import type Redis from 'ioredis';
import { jobKeys } from './job-keys';

/** The pub/sub channel every job's end is announced on (the message is the job id). */
export function jobDoneChannel(prefix: string): string {
  return jobKeys(prefix).doneChannel;
}

/**
 * Lets a request waiting with `Prefer: wait=N` learn the moment its job ends, on any process.
 * One subscriber connection per process serves every waiting request.
 */
export class JobCompletionChannel {
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscribed?: Promise<unknown>;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {}

  private get channel(): string {
    return jobDoneChannel(this.prefix);
  }

  async publish(jobId: string): Promise<void> {
    await this.publisher.publish(this.channel, jobId);
  }

  /** Resolves true when the job ends within `timeoutMs`, false otherwise. */
  async waitFor(
    jobId: string,
    timeoutMs: number,
    isDone: () => Promise<boolean>,
  ): Promise<boolean> {
    await this.ensureSubscribed();
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const finish = (done: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const set = this.waiters.get(jobId);
        set?.delete(wake);
        if (set && set.size === 0) this.waiters.delete(jobId);
        resolve(done);
      };
      const wake = (): void => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      let set = this.waiters.get(jobId);
      if (!set) this.waiters.set(jobId, (set = new Set()));
      set.add(wake);
      // The job may have ended between the caller's enqueue and our subscription.
      isDone().then(
        (done) => done && finish(true),
        () => undefined,
      );
    });
  }

  /**
   * Calls `onEnd` when the job ends (a cancel, the deadline sweeper) until the returned function
   * stops the watch: a worker aborts the provider call of a job that no longer wants its answer.
   */
  watch(jobId: string, onEnd: () => void): () => void {
    let set = this.waiters.get(jobId);
    if (!set) this.waiters.set(jobId, (set = new Set()));
    set.add(onEnd);
    this.ensureSubscribed().catch(() => undefined);
    return () => {
      const current = this.waiters.get(jobId);
      current?.delete(onEnd);
      if (current && current.size === 0) this.waiters.delete(jobId);
    };
  }

  /**
   * Resolves once the channel is subscribed (at once after the first time): an end announced
   * after that reaches every watch registered before it. A failed subscription resolves too.
   */
  ready(): Promise<void> {
    return this.ensureSubscribed().then(
      () => undefined,
      () => undefined,
    );
  }

  private ensureSubscribed(): Promise<unknown> {
    if (!this.subscribed) {
      this.subscriber.on('message', (channel: string, jobId: string) => {
        // The subscriber connection is shared with other channels.
        if (channel !== this.channel) return;
        const set = this.waiters.get(jobId);
        if (set) for (const wake of [...set]) wake();
      });
      this.subscribed = this.subscriber.subscribe(this.channel);
    }
    return this.subscribed;
  }
}
