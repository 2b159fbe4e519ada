import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type CircuitStateName = 'closed' | 'half_open' | 'open';

/** Numeric circuit state, so dashboards can threshold on it. */
export const CIRCUIT_STATE_VALUE: Record<CircuitStateName, number> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

export interface QueueDepthSample {
  queue: string;
  /** BullMQ state: wait, active, delayed, failed, ... */
  state: string;
  count: number;
}

export type QueueDepthCollector = () => Promise<QueueDepthSample[]>;

export interface ProviderCallSample {
  provider: string;
  /** Requested model (the routing-table model), not the revision: revisions churn label sets */
  model: string;
  /** 'success' or the ProviderErrorType */
  outcome: string;
  duration_ms: number;
  task?: string;
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
}

export interface SwitchyardMetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC); default true */
  defaultMetrics?: boolean;
  /** How long a queue-depth collection may take before /metrics answers without it */
  collectTimeoutMs?: number;
  /** Told when the queue-depth collector fails or times out */
  onCollectError?: (err: unknown) => void;
}

/** Provider calls range from a cached 100 ms answer to multi-minute long generations. */
const CALL_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`collector timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Every Prometheus series Switchyard exposes, on one registry per process. Serve
 * `await metrics.registry.metrics()` with `metrics.registry.contentType` at GET /metrics.
 */
export class SwitchyardMetrics {
  readonly registry: Registry;
  readonly jobs: Counter<'task' | 'status'>;
  readonly providerCalls: Counter<'provider' | 'model' | 'outcome'>;
  readonly providerCallDuration: Histogram<'provider' | 'model'>;
  readonly cost: Counter<'task' | 'provider' | 'model'>;
  readonly tokens: Counter<'provider' | 'model' | 'type'>;
  readonly queueDepth: Gauge<'queue' | 'state'>;
  readonly circuitState: Gauge<'provider_model'>;
  readonly budgetSpent: Gauge<'task' | 'tenant'>;
  readonly ledgerWriteFailures: Counter;
  readonly webhookDeliveries: Counter<'outcome'>;
  readonly budgetAlerts: Counter<'task'>;
  readonly tenantBudgetAlerts: Counter<'tenant'>;
  readonly cacheHits: Counter<'task'>;
  readonly cacheMisses: Counter<'task'>;
  readonly cacheStoredBytes: Counter<'task'>;
  readonly cacheServedBytes: Counter<'task'>;
  readonly regressionsDetected: Counter<'task' | 'model'>;
  readonly regressionChecks: Counter<'outcome'>;
  readonly evalRegressions: Counter<'task' | 'candidate'>;

  private queueDepthCollector?: QueueDepthCollector;

  constructor(options: SwitchyardMetricsOptions = {}) {
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];
    const collectTimeoutMs = options.collectTimeoutMs ?? 2000;
    const onCollectError = options.onCollectError;
    const depthSource = () => this.queueDepthCollector;

    this.jobs = new Counter({
      name: 'switchyard_jobs_total',
      help: 'Jobs that reached a final status, by task and status',
      labelNames: ['task', 'status'],
      registers,
    });
    this.providerCalls = new Counter({
      name: 'switchyard_provider_calls_total',
      help: 'Provider calls by provider, requested model and outcome (success or error type)',
      labelNames: ['provider', 'model', 'outcome'],
      registers,
    });
    this.providerCallDuration = new Histogram({
      name: 'switchyard_provider_call_duration_seconds',
      help: 'Duration of provider calls',
      labelNames: ['provider', 'model'],
      buckets: CALL_DURATION_BUCKETS,
      registers,
    });
    this.cost = new Counter({
      name: 'switchyard_cost_usd_total',
      help: 'Spend in USD by task, provider and model',
      labelNames: ['task', 'provider', 'model'],
      registers,
    });
    this.tokens = new Counter({
      name: 'switchyard_tokens_total',
      help: 'Tokens by provider, model and type (input or output)',
      labelNames: ['provider', 'model', 'type'],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'switchyard_queue_depth',
      help: 'Jobs per queue and state, sampled at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const collector = depthSource();
        if (!collector) return;
        // Stale samples would be worse than none: a gauge that never changes during an outage.
        this.reset();
        try {
          for (const s of await withTimeout(collector(), collectTimeoutMs)) {
            this.set({ queue: s.queue, state: s.state }, s.count);
          }
        } catch (err) {
          onCollectError?.(err);
        }
      },
    });
    this.circuitState = new Gauge({
      name: 'switchyard_circuit_state',
      help: 'Circuit breaker state per provider/model: 0 closed, 1 half-open, 2 open',
      labelNames: ['provider_model'],
      registers,
    });
    this.budgetSpent = new Gauge({
      name: 'switchyard_budget_spent_usd',
      help: "Spend in USD of the current UTC day against each task's daily budget, per tenant",
      labelNames: ['task', 'tenant'],
      registers,
    });
    this.ledgerWriteFailures = new Counter({
      name: 'switchyard_ledger_write_failures_total',
      help: 'Call-ledger rows that could not be stored',
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'switchyard_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.cacheHits = new Counter({
      name: 'switchyard_cache_hits_total',
      help: 'Jobs answered from the response cache, by task',
      labelNames: ['task'],
      registers,
    });
    this.cacheMisses = new Counter({
      name: 'switchyard_cache_misses_total',
      help: 'Response-cache lookups that found nothing, by task',
      labelNames: ['task'],
      registers,
    });
    this.cacheStoredBytes = new Counter({
      name: 'switchyard_cache_stored_bytes_total',
      help: 'Bytes of answers written to the response cache, by task',
      labelNames: ['task'],
      registers,
    });
    this.cacheServedBytes = new Counter({
      name: 'switchyard_cache_served_bytes_total',
      help: 'Bytes of answers served from the response cache, by task',
      labelNames: ['task'],
      registers,
    });
    this.budgetAlerts = new Counter({
      name: 'switchyard_budget_alerts_total',
      help: 'budget.alert events fired, by task',
      labelNames: ['task'],
      registers,
    });
    // Only tenants with a daily_usd alert, and those are named in the routing table: bounded.
    this.tenantBudgetAlerts = new Counter({
      name: 'switchyard_tenant_budget_alerts_total',
      help: 'budget.alert events fired for a tenant over all its tasks, by tenant',
      labelNames: ['tenant'],
      registers,
    });
    this.regressionsDetected = new Counter({
      name: 'switchyard_regressions_detected_total',
      help: 'Model-revision regressions reported, by task and model',
      labelNames: ['task', 'model'],
      registers,
    });
    this.evalRegressions = new Counter({
      name: 'switchyard_eval_regressions_total',
      help: 'eval.regressed announcements: a candidate scoring below min_score or max_drop under its previous scheduled run, by task and candidate',
      labelNames: ['task', 'candidate'],
      registers,
    });
    this.regressionChecks = new Counter({
      name: 'switchyard_regression_checks_total',
      help: 'Model-revision regression checks run, by outcome (ok or failed)',
      labelNames: ['outcome'],
      registers,
    });

    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  }

  /** The lead's queue-depth source (BullMQ getJobCounts per queue), called at scrape time. */
  setQueueDepthCollector(fn: QueueDepthCollector | undefined): void {
    this.queueDepthCollector = fn;
  }

  jobFinished(task: string, status: string): void {
    this.jobs.inc({ task, status });
  }

  /** One provider call: count, duration, and (when known) tokens and cost. */
  providerCall(sample: ProviderCallSample): void {
    const { provider, model } = sample;
    this.providerCalls.inc({ provider, model, outcome: sample.outcome });
    this.providerCallDuration.observe({ provider, model }, Math.max(0, sample.duration_ms) / 1000);
    if (sample.input_tokens)
      this.tokens.inc({ provider, model, type: 'input' }, sample.input_tokens);
    if (sample.output_tokens) {
      this.tokens.inc({ provider, model, type: 'output' }, sample.output_tokens);
    }
    if (sample.cost_usd && sample.cost_usd > 0) {
      this.cost.inc({ task: sample.task ?? 'unknown', provider, model }, sample.cost_usd);
    }
  }

  setCircuitState(providerModel: string, state: CircuitStateName): void {
    this.circuitState.set({ provider_model: providerModel }, CIRCUIT_STATE_VALUE[state]);
  }

  setBudgetSpent(task: string, usd: number, tenant: string): void {
    this.budgetSpent.set({ task, tenant }, usd);
  }

  /** Fits CallLedger's onWriteFailure hook directly. */
  ledgerWriteFailed(rows = 1): void {
    this.ledgerWriteFailures.inc(rows);
  }

  webhookDelivery(outcome: string): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** A response-cache lookup: a hit with the bytes it served, or a miss. */
  cacheLookup(task: string, hitBytes: number | null): void {
    if (hitBytes === null) {
      this.cacheMisses.inc({ task });
      return;
    }
    this.cacheHits.inc({ task });
    this.cacheServedBytes.inc({ task }, hitBytes);
  }

  cacheStored(task: string, bytes: number): void {
    this.cacheStoredBytes.inc({ task }, bytes);
  }

  budgetAlert(task: string): void {
    this.budgetAlerts.inc({ task });
  }

  tenantBudgetAlert(tenant: string): void {
    this.tenantBudgetAlerts.inc({ tenant });
  }

  regressionDetected(task: string, model: string): void {
    this.regressionsDetected.inc({ task, model });
  }

  evalRegressed(task: string, candidate: string): void {
    this.evalRegressions.inc({ task, candidate });
  }

  regressionCheck(outcome: 'ok' | 'failed'): void {
    this.regressionChecks.inc({ outcome });
  }

  /** The Prometheus text exposition. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
