import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { QueueRegistry, ROUTER_QUEUE, WEBHOOK_QUEUE, providerQueueName } from '@switchyard/redis';
import { RoutingTableHolder } from '@switchyard/routing';
import { AlertLog, type LoggedAlert } from '@switchyard/webhooks';
import { ApiError } from '../http/api-error';
import { TenantAuthGuard } from '../http/tenant-auth.guard';
import { Tenant } from '../http/tenant.decorator';

export interface QueueDepthView {
  queue: string;
  /** The provider whose workers take from it; null for the router and webhook queues */
  provider: string | null;
  /** Ready to run (prioritized included) */
  waiting: number;
  active: number;
  /** Waiting for a retry backoff or a rate-limit pause */
  delayed: number;
}

/**
 * What the operator watches besides the ledger: queue depth and the latest alerts. Both are about
 * the deployment (shared providers, shared budgets), not one tenant's jobs, like /v1/providers.
 */
@ApiTags('providers')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1')
export class OperationsController {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly routing: RoutingTableHolder,
    private readonly alerts: AlertLog,
  ) {}

  @Get('queues')
  @ApiOperation({ summary: 'Queue depth per provider queue, the router queue and webhooks' })
  async queueDepths(): Promise<{ queues: QueueDepthView[] }> {
    const providers = Object.keys(this.routing.current.providers).sort();
    const names = [
      ...providers.map((p) => ({ queue: providerQueueName(p), provider: p as string | null })),
      { queue: ROUTER_QUEUE, provider: null },
      { queue: WEBHOOK_QUEUE, provider: null },
    ];
    const counts = await Promise.all(
      names.map((n) =>
        this.queues.get(n.queue).getJobCounts('waiting', 'prioritized', 'active', 'delayed'),
      ),
    );
    return {
      queues: names.map((n, i) => ({
        ...n,
        waiting: (counts[i].waiting ?? 0) + (counts[i].prioritized ?? 0),
        active: counts[i].active ?? 0,
        delayed: counts[i].delayed ?? 0,
      })),
    };
  }

  @Get('alerts')
  @ApiOperation({
    summary:
      "The latest alerts, newest first: the caller's own budget.alert events, and every regression.detected and eval.regressed",
  })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 20' })
  async latestAlerts(
    @Tenant() tenant: string,
    @Query('limit') limit?: string,
  ): Promise<{ alerts: LoggedAlert[] }> {
    const n = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 200) {
      throw ApiError.field('limit', 'must be an integer from 1 to 200');
    }
    // A budget.alert is one tenant's spend: each tenant sees its own (alertVisibleTo).
    return { alerts: await this.alerts.latest(n, tenant) };
  }
}
