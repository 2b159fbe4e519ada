import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type Redis from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import { findEvalRegressions, type EvalRegression } from '@switchyard/evals';
import type { EvalRunRow, EvalStore } from '@switchyard/ledger';
import { QueueRegistry, defineScript } from '@switchyard/redis';
import { RoutingTableHolder, evalRunDue, parseEvalSchedule, taskChain } from '@switchyard/routing';
import {
  LedgerService,
  REDIS_CONSUMER,
  SCHEDULED_EVAL_TENANT,
  SWITCHYARD_CONFIG,
  candidateSummaries,
  enqueueEvalRun,
  newEvalRunId,
  PeriodicTask,
} from '@switchyard/runtime';
import { SwitchyardMetrics } from '@switchyard/telemetry';
import { WebhookPublisher } from '@switchyard/webhooks';

/** Concurrency of a scheduled run's jobs. */
const SCHEDULED_RUN_CONCURRENCY = 4;
/** A revision's regression is announced once; the mark outlives any sane schedule. */
const ANNOUNCED_TTL_S = 90 * 86_400;

// Only the holder's token frees the lock: a tick that outlived its lock must not free the next one's.
const RELEASE_LOCK = defineScript({
  name: 'switchyardReleaseLock',
  keys: ['lock'],
  args: ['token'],
  lua: `if redis.call('GET', KEY.lock) == ARG.token then return redis.call('DEL', KEY.lock) end return 0`,
});

/** The `eval.regressed` payload (alert webhook, /v1/alerts). */
export interface EvalRegressedAlert extends EvalRegression {
  task: string;
  run_id: string;
  previous_run_id: string | null;
  min_score?: number;
  max_drop?: number;
}

/**
 * Scheduled evaluation runs. Every tick, under a Redis lock so one router at a time acts across
 * replicas: (1) a finished scheduled run is compared with the task's previous one and every
 * candidate that fell more than `max_drop` or below `min_score` is announced as `eval.regressed`
 * (log, metric, alert webhook), once per task, candidate and revision; (2) a task whose
 * `evals.schedule` is due, and whose last scheduled run has ended, gets a new run on the `evals`
 * queue, which the ingress executes.
 */
@Injectable()
export class EvalScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EvalScheduler');
  private readonly token = randomBytes(8).toString('hex');
  private readonly rounds = new PeriodicTask(() => this.tick(), this.logger);
  private running = false;

  constructor(
    private readonly ledger: LedgerService,
    private readonly routing: RoutingTableHolder,
    private readonly queues: QueueRegistry,
    private readonly webhooks: WebhookPublisher,
    private readonly metrics: SwitchyardMetrics,
    @Inject(REDIS_CONSUMER) private readonly redis: Redis,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.rounds.start(this.config.evalSchedulerIntervalMs);
  }

  onApplicationShutdown(): void {
    this.rounds.stop();
  }

  private get lockKey(): string {
    return `${this.config.redisPrefix}:evals:scheduler-lock`;
  }

  async tick(now = Date.now()): Promise<void> {
    const store = this.ledger.ready?.evals;
    if (!store || this.running) return;
    const tasks = Object.values(this.routing.current.tasks).filter((t) => t.evals?.schedule);
    if (tasks.length === 0) return;
    this.running = true;
    try {
      const ttl = Math.max(5_000, this.config.evalSchedulerIntervalMs * 5);
      const locked = await this.redis.set(this.lockKey, this.token, 'PX', ttl, 'NX');
      if (locked !== 'OK') return;
      try {
        await this.checkFinishedRuns(store);
        for (const task of tasks) await this.scheduleIfDue(store, task.name, now);
      } finally {
        await RELEASE_LOCK.run(this.redis, {
          keys: { lock: this.lockKey },
          args: { token: this.token },
        });
      }
    } catch (err) {
      this.logger.warn(`scheduled evaluations: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async scheduleIfDue(store: EvalStore, taskName: string, now: number): Promise<void> {
    const task = this.routing.current.tasks[taskName];
    const settings = task?.evals;
    if (!task || !settings?.schedule) return;
    const schedule = parseEvalSchedule(settings.schedule);
    if (typeof schedule === 'string') return;
    const [last] = await store.listRuns({ task: task.name, trigger: 'schedule', limit: 1 });
    // One scheduled run of a task at a time: a slow run is never piled on.
    if (last && (last.status === 'queued' || last.status === 'running')) return;
    if (!evalRunDue(schedule, last ? Date.parse(last.created_at) : undefined, now)) return;
    const run = await store.createRun({
      id: newEvalRunId(),
      tenant: SCHEDULED_EVAL_TENANT,
      task: task.name,
      trigger: 'schedule',
      candidates: taskChain(task),
      examples_limit: settings.examples ?? null,
    });
    await enqueueEvalRun(this.queues, { run_id: run.id, concurrency: SCHEDULED_RUN_CONCURRENCY });
    this.logger.log(`scheduled evaluation ${run.id} of ${task.name} (${settings.schedule})`);
  }

  private async checkFinishedRuns(store: EvalStore): Promise<void> {
    for (const run of await store.uncheckedScheduledRuns()) {
      // Compared first, marked after: a router dying in between compares again, and the
      // per-revision mark in announce() keeps that from announcing twice.
      if (run.status === 'succeeded') await this.compare(store, run);
      await store.claimRegressionCheck(run.id);
    }
  }

  private async compare(store: EvalStore, run: EvalRunRow): Promise<void> {
    const settings = this.routing.current.tasks[run.task]?.evals ?? {};
    if (settings.min_score === undefined && settings.max_drop === undefined) return;
    const previous = await store.previousScheduledRun(run.task, run.created_at);
    const current = candidateSummaries(run, await store.results(run.id));
    const before = previous ? candidateSummaries(previous, await store.results(previous.id)) : [];
    const findings = findEvalRegressions(before, current, {
      min_score: settings.min_score,
      max_drop: settings.max_drop,
    });
    for (const finding of findings) {
      await this.announce({
        ...finding,
        task: run.task,
        run_id: run.id,
        previous_run_id: previous?.id ?? null,
        ...(settings.min_score !== undefined && { min_score: settings.min_score }),
        ...(settings.max_drop !== undefined && { max_drop: settings.max_drop }),
      });
    }
  }

  /** Once per task, candidate and revision after: a revision that stays bad is not re-announced. */
  private async announce(alert: EvalRegressedAlert): Promise<void> {
    const eventId = `${alert.task}:${alert.candidate}:${alert.revision_after ?? 'unknown'}`;
    const fresh = await this.redis.set(
      `${this.config.redisPrefix}:evals:regressed:${eventId}`,
      alert.run_id,
      'EX',
      ANNOUNCED_TTL_S,
      'NX',
    );
    if (fresh !== 'OK') return;
    try {
      await this.webhooks.publishAlert('eval.regressed', alert, eventId);
    } catch (err) {
      // Not announced after all: the next tick compares again and retries.
      await this.redis.del(`${this.config.redisPrefix}:evals:regressed:${eventId}`);
      throw err;
    }
    this.metrics.evalRegressed(alert.task, alert.candidate);
    this.logger.warn(`eval.regressed: ${alert.task}: ${alert.message} (run ${alert.run_id})`);
  }
}
