import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import type { RegressionFinding, RegressionThresholds } from '@switchyard/ledger';
import { LedgerService, SWITCHYARD_CONFIG, PeriodicTask } from '@switchyard/runtime';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { WebhookPublisher } from '@switchyard/webhooks';

/**
 * Every few minutes, compares the newest model revision of each task × model with the previous
 * one in the ledger and announces `regression.detected` (log, metric, alert webhook). The ledger
 * remembers what it reported, so several routers or a restart never announce one finding twice.
 *
 * Knobs: config.regression (SWITCHYARD_REGRESSION_*, read in @switchyard/config; the thresholds'
 * defaults are in @switchyard/ledger's regression.types.ts).
 */
@Injectable()
export class RegressionWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegressionWatch');
  private readonly rounds = new PeriodicTask(() => this.check(), this.logger);
  private running = false;
  private thresholds: Partial<RegressionThresholds> = {};

  constructor(
    private readonly ledger: LedgerService,
    private readonly metrics: SwitchyardMetrics,
    private readonly webhooks: WebhookPublisher,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalMs, thresholds, problems } = this.config.regression;
    for (const problem of problems) this.logger.warn(problem);
    this.thresholds = thresholds;
    this.rounds.start(intervalMs);
  }

  onApplicationShutdown(): void {
    this.rounds.stop();
  }

  async check(): Promise<number> {
    const handle = this.ledger.ready;
    if (!handle || this.running) return 0;
    this.running = true;
    try {
      const findings = await handle.regressions.check({
        thresholds: this.thresholds,
        publish: (f) => this.announce(f),
      });
      this.metrics.regressionCheck('ok');
      return findings.length;
    } catch (err) {
      this.metrics.regressionCheck('failed');
      this.logger.warn(`regression check failed: ${(err as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }

  /** Throws when the alert could not be queued, so the ledger keeps the finding for the next check. */
  private async announce(f: RegressionFinding): Promise<void> {
    try {
      await this.webhooks.publishAlert(
        'regression.detected',
        f,
        `${f.task}:${f.model}:${f.new_revision}:${f.metric}`,
      );
    } catch (err) {
      this.logger.warn(
        `regression webhook not queued, retried next check: ${(err as Error).message}`,
      );
      throw err;
    }
    this.metrics.regressionDetected(f.task, f.model);
    this.logger.warn(
      `regression.detected: ${f.task} ${f.model} ${f.previous_revision} -> ${f.new_revision}: ` +
        `${f.metric} ${f.previous} -> ${f.current}`,
    );
  }
}
