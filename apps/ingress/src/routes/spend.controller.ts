import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  RoutingTableHolder,
  tenantConfig,
  type DailySpendSnapshot,
  type TenantSpendSnapshot,
} from '@switchyard/routing';
import { DailySpendStore } from '@switchyard/routing-state';
import { ApiError } from '../http/api-error';
import { requireSingleValues } from '../http/single-query-values';
import { TenantAuthGuard } from '../http/tenant-auth.guard';
import { Tenant } from '../http/tenant.decorator';

@ApiTags('routes')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/spend')
export class SpendController {
  constructor(
    private readonly routing: RoutingTableHolder,
    private readonly spend: DailySpendStore,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "The caller's own daily spend (UTC day) per task and over all tasks: spent, reserved, remaining",
  })
  async get(
    @Tenant() tenant: string,
    @Query() raw: Record<string, unknown>,
    @Query('task') task?: string,
    @Query('day') day?: string,
  ): Promise<{ spend: DailySpendSnapshot[]; tenant: TenantSpendSnapshot }> {
    requireSingleValues(raw, ['task', 'day']);
    const tasks = this.routing.current.tasks;
    if (task !== undefined && !tasks[task]) throw ApiError.field('task', `unknown task "${task}"`);
    if (day !== undefined && !isCalendarDay(day))
      throw ApiError.field('day', 'must be a calendar day as YYYY-MM-DD');
    const names = task ? [task] : Object.keys(tasks).sort();
    // Only the caller's own days: a task's daily_usd is each tenant's to spend.
    const [spend, own] = await Promise.all([
      Promise.all(
        names.map((name) => this.spend.snapshot({ task: name, tenant }, day, tasks[name].budget)),
      ),
      this.spend.tenantSnapshot(tenant, day, tenantConfig(this.routing.current, tenant).daily_usd),
    ]);
    return { spend, tenant: own };
  }
}

/** `2026-02-30` and `2026-13-45` have the shape but name no day. */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}
