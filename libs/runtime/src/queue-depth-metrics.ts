import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CircuitBreaker } from '@switchyard/circuit-breaker';
import { QueueRegistry, ROUTER_QUEUE, WEBHOOK_QUEUE, providerQueueName } from '@switchyard/redis';
import { RoutingTableHolder } from '@switchyard/routing';
import { SwitchyardMetrics, type QueueDepthSample } from '@switchyard/telemetry';

const STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;

/**
 * Queue depth per queue and circuit state per provider, read from Redis at scrape time. The
 * per-provider depth is what a no-KEDA HPA scales each worker Deployment on.
 */
@Injectable()
export class QueueDepthMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: SwitchyardMetrics,
    private readonly queues: QueueRegistry,
    private readonly routing: RoutingTableHolder,
    private readonly breaker: CircuitBreaker,
  ) {}

  onModuleInit(): void {
    this.metrics.setQueueDepthCollector(() => this.collect());
  }

  async collect(): Promise<QueueDepthSample[]> {
    const table = this.routing.current;
    const names = [
      ...Object.keys(table.providers).map(providerQueueName),
      ROUTER_QUEUE,
      WEBHOOK_QUEUE,
    ];
    const [counts, circuits] = await Promise.all([
      Promise.all(names.map((name) => this.queues.get(name).getJobCounts(...STATES))),
      this.breaker.states(Object.keys(table.providers)),
    ]);
    for (const [key, snapshot] of Object.entries(circuits))
      this.metrics.setCircuitState(key, snapshot.state);
    return names.flatMap((queue, i) =>
      STATES.map((state) => ({ queue, state, count: counts[i][state] ?? 0 })),
    );
  }
}
