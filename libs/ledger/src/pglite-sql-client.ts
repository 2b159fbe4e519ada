import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGLITE_WORKER_SOURCE } from './pglite-worker-source';
import type { SqlClient, SqlParam, SqlQueryable, SqlResult } from './sql-client';

interface WorkerReply {
  id: number;
  ok: boolean;
  rows?: object[];
  tx?: number;
  error?: { message: string; code?: string };
}

type WorkerRequest =
  | { op: 'query'; sql: string; params: SqlParam[]; tx?: number }
  | { op: 'begin' }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'close' };

/** Carries PostgreSQL's SQLSTATE across the thread boundary, like node-postgres errors do. */
export class PgliteError extends Error {
  override readonly name = 'PgliteError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Embedded PostgreSQL (WASM) for single-process deployments without DATABASE_URL. PGlite runs in
 * a worker thread: its queries are CPU work in WASM, and on the main thread a stats query would
 * stall HTTP handling and job processing. (It also keeps PGlite out of sandboxed module loaders
 * such as Jest's, which cannot run its dynamic imports.) One process per data directory only:
 * two processes opening the same directory would corrupt it.
 */
export class PgliteSqlClient implements SqlClient {
  readonly kind = 'pglite' as const;
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void }
  >();
  private nextId = 1;
  private dead: Error | null = null;
  private closing: Promise<void> | null = null;

  /** dataDir is used as is (created when missing); `memory://` keeps everything in memory. */
  constructor(dataDir: string) {
    let location = dataDir;
    if (!dataDir.startsWith('memory://')) {
      location = resolve(dataDir);
      mkdirSync(location, { recursive: true });
    }
    this.worker = new Worker(PGLITE_WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: require.resolve('@electric-sql/pglite'), dataDir: location },
    });
    // Only outstanding requests keep the process alive, as with an idle connection pool.
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`PGlite worker exited (code ${code})`)));
  }

  async query<T extends object>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<SqlResult<T>> {
    const reply = await this.send({ op: 'query', sql, params: [...params] });
    return { rows: (reply.rows ?? []) as T[] };
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const { tx } = await this.send({ op: 'begin' });
    if (tx === undefined) throw new PgliteError('PGlite worker did not open a transaction');
    const scoped: SqlQueryable = {
      query: async <R extends object>(sql: string, params: readonly SqlParam[] = []) => {
        const reply = await this.send({ op: 'query', sql, params: [...params], tx });
        return { rows: (reply.rows ?? []) as R[] };
      },
    };
    let value: T;
    try {
      value = await fn(scoped);
    } catch (err) {
      await this.send({ op: 'rollback', tx }).catch(() => undefined);
      throw err;
    }
    await this.send({ op: 'commit', tx });
    return value;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.dead) await this.send({ op: 'close' }).catch(() => undefined);
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private send(request: WorkerRequest): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolvePromise, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolvePromise, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  private settle(reply: WorkerReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) waiter.resolve(reply);
    else waiter.reject(new PgliteError(reply.error?.message ?? 'PGlite error', reply.error?.code));
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
