import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Redis from 'ioredis';
import { apiKeyValues, type SwitchyardConfig } from '@switchyard/config';
import { ledgerOutboxKeys } from '@switchyard/jobs';
import {
  LedgerOutboxDrainer,
  openLedger,
  prepareCall,
  toLedgerRow,
  type CallRecord,
  type LedgerHandle,
} from '@switchyard/ledger';
import { createRedisClient } from '@switchyard/redis';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { SWITCHYARD_CONFIG } from './runtime.tokens';

export const LEDGER_OPTIONS = Symbol('LEDGER_OPTIONS');

export interface LedgerOptions {
  /** Use PGlite under the data dir when DATABASE_URL is unset (the all-in-one). */
  embedded: boolean;
  /** Run a drainer of the Redis ledger outbox in this process (workers, the router). */
  drainOutbox?: boolean;
  /** Names this process's drainer in the outbox's consumer group. */
  processName?: string;
}

const RETRY_MS = 5_000;

/**
 * The call ledger as the processes see it. Connecting (and migrating) happens in the background
 * and is retried, so a database outage at start-up never keeps a worker from serving jobs.
 *
 * The worker's rows do not go through memory: ledgerRow() prepares a row (storage policy,
 * redaction) for the worker to hand to JobStore.putAttempt, which leaves it in the Redis outbox
 * with the attempt's record; the drainer here (in the processes that ask for one) stores it.
 * A row made before the database is up waits in the outbox until it is.
 */
@Injectable()
export class LedgerService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private handle?: LedgerHandle;
  private opening?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly secretValues: string[];
  private drainer?: LedgerOutboxDrainer;
  private drainConnection?: Redis;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions,
    private readonly metrics: SwitchyardMetrics,
  ) {
    this.secretValues = this.secrets();
  }

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

  /**
   * The call's ledger row as the outbox carries it (policy and redaction applied, so neither a
   * prompt the task does not store nor a secret ever reaches Redis); undefined when the ledger is
   * off (nothing would drain it) or the record is unusable (counted as lost).
   */
  ledgerRow(call: CallRecord): string | undefined {
    if (!this.enabled) return undefined;
    try {
      return JSON.stringify(toLedgerRow(prepareCall(call, this.secretValues)));
    } catch (err) {
      this.metrics.ledgerWriteFailed(1);
      this.logger.warn(
        `ledger: unusable call record for job ${call.job_id}: ${(err as Error).message}`,
      );
      return undefined;
    }
  }

  private async open(): Promise<void> {
    try {
      this.handle = await openLedger({
        databaseUrl: this.config.databaseUrl,
        dataDir: `${this.config.dataDir}/ledger`,
        schema: this.config.dbSchema,
        secrets: this.secretValues,
        logger: this.logger,
        onWriteFailure: (rows) => this.metrics.ledgerWriteFailed(rows),
      });
      this.logger.log(this.config.databaseUrl ? 'ledger: PostgreSQL' : 'ledger: embedded PGlite');
      if (this.options.drainOutbox && !this.closed) this.startDrain(this.handle);
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
    return [...values, ...apiKeyValues()];
  }

  private startDrain(handle: LedgerHandle): void {
    const claimIdleMs = this.config.lockDurationMs;
    // Blocking reads: a connection of its own, whose reply wait outlasts one blocking read.
    const blockMs = 1000;
    this.drainConnection = createRedisClient(
      this.config.redisUrl ?? 'redis://127.0.0.1:6379',
      'consumer',
      `${this.options.processName ?? 'switchyard'}-ledger`,
      blockMs + this.config.redisCommandTimeoutMs,
    );
    this.drainer = new LedgerOutboxDrainer({
      redis: this.drainConnection,
      keys: ledgerOutboxKeys(this.config.redisPrefix),
      client: handle.client,
      schema: this.config.dbSchema,
      consumer: `${this.options.processName ?? 'switchyard'}@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      blockMs,
      // Rows of a process that died are taken over as soon as its attempts are (the lock).
      claimIdleMs,
      // A live drainer re-reads its own rows well within that, so none is taken from it.
      retryMaxMs: Math.max(500, Math.min(10_000, claimIdleMs / 2)),
      secrets: this.secretValues,
      logger: this.logger,
      onWriteFailure: (rows) => this.metrics.ledgerWriteFailed(rows),
    });
    this.drainer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    // What is still in the outbox is stored before the database client closes; what cannot be
    // stays in Redis for the next drainer.
    await this.drainer
      ?.stop()
      .catch((err: Error) => this.logger.warn(`ledger outbox: ${err.message}`));
    await this.drainConnection?.quit().catch(() => this.drainConnection?.disconnect());
    await this.handle
      ?.close()
      .catch((err: Error) => this.logger.warn(`ledger close: ${err.message}`));
  }
}
