import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { LedgerService } from '@switchyard/runtime';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { WebhookPublisher } from '@switchyard/webhooks';

/**
 * Every few minutes, compares the newest model revision of each task × model with the previous
 * one in the ledger and announces `regression.detected` (log, metric, alert webhook). The ledger
 * remembers what it reported, so several routers or a restart never announce one finding twice.
 */
@Injectable()
export class RegressionWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegressionWatch');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly ledger: LedgerService,
    private readonly metrics: SwitchyardMetrics,
    private readonly webhooks: WebhookPublisher,
  ) {}

  onApplicationBootstrap(): void {
    const every = Number(process.env.SWITCHYARD_REGRESSION_INTERVAL_MS) || 5 * 60_000;
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<number> {
    const handle = this.ledger.ready;
    if (!handle || this.running) return 0;
    this.running = true;
    try {
      const findings = await handle.regressions.check();
      for (const f of findings) {
        this.metrics.regressionDetected(f.task, f.model);
        this.logger.warn(
          `regression.detected: ${f.task} ${f.model} ${f.previous_revision} -> ${f.new_revision}: ` +
            `${f.metric} ${f.previous} -> ${f.current}`,
        );
        await this.webhooks
          .publishAlert(
            'regression.detected',
            f,
            `${f.task}:${f.model}:${f.new_revision}:${f.metric}`,
          )
          .catch((err: Error) => this.logger.warn(`regression webhook not queued: ${err.message}`));
      }
      return findings.length;
    } catch (err) {
      this.logger.warn(`regression check failed: ${(err as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
