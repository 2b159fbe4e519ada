import type Redis from 'ioredis';
import { jobKeys } from './job-keys';

/** The pub/sub channel every job's end is announced on (the message is the job id). */
export function jobDoneChannel(prefix: string): string {
  return jobKeys(prefix).doneChannel;
}

/**
 * Where the channel stood when a mark was taken: the subscription's epoch (bumped by every
 * disconnect, during which announcements are lost) and how many announcements it had heard.
 */
export interface CompletionMark {
  readonly epoch: number;
  readonly heard: number;
}

/** How many of the latest announced ids are remembered, for waits marked before they were heard. */
const RECENT_ENDS = 4096;

/**
 * Lets a request waiting with `Prefer: wait=N` learn the moment its job ends, on any process.
 * One subscriber connection per process serves every waiting request.
 */
export class JobCompletionChannel {
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscribed?: Promise<unknown>;
  /** Bumped on every disconnect of the subscriber: announcements made meanwhile were missed. */
  private epoch = 0;
  /** Subscribed, and no disconnect since. */
  private live = false;
  private heard = 0;
  /** The latest RECENT_ENDS ids announced, oldest first. */
  private readonly recentEnds = new Set<string>();

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

  /**
   * Where the channel stands, while it is subscribed: a wait for a job queued after the mark was
   * taken (see waitFor) hears its end for certain, so it need not read the job. Undefined while
   * not subscribed.
   */
  mark(): CompletionMark | undefined {
    return this.live ? { epoch: this.epoch, heard: this.heard } : undefined;
  }

  /**
   * Resolves true when the job ends within `timeoutMs`, false otherwise. The job may have ended
   * before the wait began; `isDone` (a read of the job) tells, unless `heardSince` is a mark taken
   * before the job was queued and the subscription has not dropped since: then its end was either
   * heard already (and is remembered) or is still to come, and the read is saved.
   */
  async waitFor(
    jobId: string,
    timeoutMs: number,
    isDone: () => Promise<boolean>,
    heardSince?: CompletionMark,
  ): Promise<boolean> {
    await this.ensureSubscribed();
    const unbroken =
      heardSince !== undefined &&
      this.live &&
      heardSince.epoch === this.epoch &&
      this.heard - heardSince.heard < RECENT_ENDS;
    if (unbroken && this.recentEnds.has(jobId)) return true;
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
      if (unbroken) return;
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
        this.remember(jobId);
        const set = this.waiters.get(jobId);
        if (set) for (const wake of [...set]) wake();
      });
      this.subscriber.on('close', () => {
        this.live = false;
        this.epoch++;
      });
      // ioredis subscribes again by itself on reconnecting; live again once that is confirmed.
      this.subscriber.on('ready', () => {
        if (!this.live) this.subscribe().catch(() => undefined);
      });
      this.subscribed = this.subscribe();
    }
    return this.subscribed;
  }

  private subscribe(): Promise<unknown> {
    const epoch = this.epoch;
    return this.subscriber.subscribe(this.channel).then((count) => {
      if (this.epoch === epoch) this.live = true;
      return count;
    });
  }

  private remember(jobId: string): void {
    this.heard++;
    this.recentEnds.delete(jobId);
    this.recentEnds.add(jobId);
    if (this.recentEnds.size > RECENT_ENDS) {
      const oldest = this.recentEnds.values().next().value;
      if (oldest !== undefined) this.recentEnds.delete(oldest);
    }
  }
}
