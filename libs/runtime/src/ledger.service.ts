import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import { openLedger, type CallRecord, type LedgerHandle } from '@switchyard/ledger';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { SWITCHYARD_CONFIG } from './runtime.tokens';

export const LEDGER_OPTIONS = Symbol('LEDGER_OPTIONS');

export interface LedgerOptions {
  /** Use PGlite under the data dir when DATABASE_URL is unset (the all-in-one). */
  embedded: boolean;
}

const RETRY_MS = 5_000;

/**
 * The call ledger as the processes see it. Connecting (and migrating) happens in the background
 * and is retried, so a database outage at start-up never keeps a worker from serving jobs: calls
 * made before the ledger is up are counted as lost writes, as the ledger's contract says.
 */
@Injectable()
export class LedgerService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private handle?: LedgerHandle;
  private opening?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions,
    private readonly metrics: SwitchyardMetrics,
  ) {}

  get enabled(): boolean {
    return !!this.config.databaseUrl || this.options.embedded;
  }

  get ready(): LedgerHandle | undefined {
    return this.handle;
  }

  onModuleInit(): void {
    if (!this.enabled) {
      this.logger.warn('DATABASE_URL is unset: provider calls are not recorded in the call ledger');
      return;
    }
    this.opening = this.open();
  }

  /** Resolves once the ledger is open (or has given up for now); for start-up ordering in tests. */
  async whenOpen(): Promise<void> {
    await this.opening;
  }

  record(call: CallRecord): void {
    if (!this.handle) {
      if (this.enabled) this.metrics.ledgerWriteFailed(1);
      return;
    }
    void this.handle.ledger.record(call);
  }

  private async open(): Promise<void> {
    try {
      this.handle = await openLedger({
        databaseUrl: this.config.databaseUrl,
        dataDir: `${this.config.dataDir}/ledger`,
        schema: process.env.SWITCHYARD_DB_SCHEMA || undefined,
        secrets: this.secrets(),
        logger: this.logger,
        onWriteFailure: (rows) => this.metrics.ledgerWriteFailed(rows),
      });
      this.logger.log(this.config.databaseUrl ? 'ledger: PostgreSQL' : 'ledger: embedded PGlite');
    } catch (err) {
      this.logger.warn(
        `ledger unavailable (${(err as Error).message}); retrying in ${RETRY_MS / 1000}s`,
      );
      if (!this.closed) {
        this.retryTimer = setTimeout(() => (this.opening = this.open()), RETRY_MS);
        this.retryTimer.unref();
      }
    }
  }

  /** Every configured secret value, so the ledger can scrub any that slipped into an error message. */
  private secrets(): string[] {
    const values = [...this.config.apiKeys.values(), ...this.config.evalApiKeys.values()];
    if (this.config.webhookSecret) values.push(this.config.webhookSecret);
    for (const [name, value] of Object.entries(process.env)) {
      if (value && /_API_KEY$/.test(name)) values.push(value);
    }
    return values;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.handle
      ?.close()
      .catch((err: Error) => this.logger.warn(`ledger close: ${err.message}`));
  }
}
