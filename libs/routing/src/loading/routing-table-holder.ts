import { stat, statSync } from 'node:fs';
import { RoutingTableError } from '../routing-table-error';
import type { RoutingIssue, RoutingTable } from '../routing-table.types';
import { loadRoutingTable } from './load-routing-table';
import type { RoutingTableOptions } from './parse-routing-table';

/** The subset of Nest's LoggerService (and of console) the holder writes to. */
export interface RoutingTableLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type RoutingTableListener = (table: RoutingTable, warnings: RoutingIssue[]) => void;

export type ReloadResult =
  | { ok: true; table: RoutingTable; warnings: RoutingIssue[] }
  | { ok: false; issues: RoutingIssue[] };

export interface RoutingTableHolderOptions extends RoutingTableOptions {
  /** How often the file's mtime is polled by watch(); default 1000 ms */
  pollIntervalMs?: number;
  /** Quiet time after a change before reloading, so a half-written file is not read; default 250 ms */
  debounceMs?: number;
}

/**
 * Holds the current routing table and swaps it for a new one when the file changes (or on
 * SIGHUP). A file that fails validation never replaces a working table: its errors are logged
 * and the previous table stays (and is not retried until the file changes again). The file is
 * polled with stat rather than watched with fs.watch because editors and Kubernetes ConfigMaps
 * replace files by rename or symlink swap, which inode-based watchers miss.
 */
export class RoutingTableHolder {
  private table: RoutingTable;
  private tableWarnings: RoutingIssue[];
  private readonly listeners = new Set<RoutingTableListener>();
  private pollTimer?: NodeJS.Timeout;
  private debounceTimer?: NodeJS.Timeout;
  /** Identity of the file version last loaded (or last rejected), to notice the next change. */
  private loadedStamp: string;
  private readonly onSighup = () => {
    this.logger.log(`SIGHUP: reloading ${this.path}`);
    this.reload();
  };

  /** Loads the file now; throws RoutingTableError if it is invalid (there is nothing to keep). */
  constructor(
    readonly path: string,
    private readonly env: Readonly<NodeJS.ProcessEnv>,
    private readonly logger: RoutingTableLogger = console,
    private readonly options: RoutingTableHolderOptions = {},
  ) {
    this.loadedStamp = fileStamp(path);
    const loaded = loadRoutingTable(path, env, options);
    this.table = loaded.table;
    this.tableWarnings = loaded.warnings;
    this.logWarnings(loaded.warnings);
  }

  get current(): RoutingTable {
    return this.table;
  }

  get warnings(): RoutingIssue[] {
    return this.tableWarnings;
  }

  reload(): ReloadResult {
    // Stamped before reading: a write racing the read shows up as one more change, not a lost one.
    this.loadedStamp = fileStamp(this.path);
    try {
      const loaded = loadRoutingTable(this.path, this.env, this.options);
      this.table = loaded.table;
      this.tableWarnings = loaded.warnings;
      this.logger.log(
        `loaded ${this.path}: ${Object.keys(loaded.table.tasks).length} tasks, ${loaded.warnings.length} warnings`,
      );
      this.logWarnings(loaded.warnings);
      for (const listener of this.listeners) this.notify(listener, loaded.table, loaded.warnings);
      return { ok: true, table: loaded.table, warnings: loaded.warnings };
    } catch (error) {
      const issues =
        error instanceof RoutingTableError
          ? error.issues
          : [{ path: this.path, message: error instanceof Error ? error.message : String(error) }];
      this.logger.error(
        `${this.path} has ${issues.length} error(s); keeping the previous routing table`,
      );
      for (const issue of issues) this.logger.error(`${issue.path}: ${issue.message}`);
      return { ok: false, issues };
    }
  }

  /** Calls the listener after every successful reload; returns a function that unsubscribes. */
  onChange(listener: RoutingTableListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watch(): void {
    if (this.pollTimer) return;
    process.on('SIGHUP', this.onSighup);
    this.pollTimer = setInterval(() => this.poll(), this.options.pollIntervalMs ?? 1000);
    this.pollTimer.unref();
  }

  close(): void {
    clearTimeout(this.debounceTimer);
    if (!this.pollTimer) return;
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    process.off('SIGHUP', this.onSighup);
  }

  /**
   * Compares the file with the version last loaded rather than with the previous poll (as
   * fs.watchFile does), so a change made before watch() started is not missed.
   */
  private poll(): void {
    stat(this.path, (error, stats) => {
      if (!this.pollTimer) return;
      const stamp = error ? 'missing' : stampOf(stats);
      if (stamp === this.loadedStamp) return;
      clearTimeout(this.debounceTimer);
      this.debounceTimer = setTimeout(() => {
        this.logger.log(`${this.path} changed: reloading`);
        this.reload();
      }, this.options.debounceMs ?? 250);
    });
  }

  private notify(listener: RoutingTableListener, table: RoutingTable, warnings: RoutingIssue[]) {
    try {
      listener(table, warnings);
    } catch (error) {
      this.logger.error(
        `routing table listener failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private logWarnings(warnings: RoutingIssue[]): void {
    for (const warning of warnings) this.logger.warn(`${warning.path}: ${warning.message}`);
  }
}

function fileStamp(path: string): string {
  try {
    return stampOf(statSync(path));
  } catch {
    return 'missing';
  }
}

function stampOf(stats: { ino: number; size: number; mtimeMs: number }): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}
