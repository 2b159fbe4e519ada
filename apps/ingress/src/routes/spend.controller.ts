import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DailySpendStore, RoutingTableHolder, type DailySpendSnapshot } from '@switchyard/routing';
import { ApiError } from '../http/api-error';
import { requireSingleValues } from '../http/single-query-values';
import { TenantAuthGuard } from '../http/tenant-auth.guard';

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
  @ApiOperation({ summary: 'Daily spend per task (UTC day): spent, reserved, remaining' })
  async get(
    @Query() raw: Record<string, unknown>,
    @Query('task') task?: string,
    @Query('day') day?: string,
  ): Promise<{ spend: DailySpendSnapshot[] }> {
    requireSingleValues(raw, ['task', 'day']);
    const tasks = this.routing.current.tasks;
    if (task !== undefined && !tasks[task]) throw ApiError.field('task', `unknown task "${task}"`);
    if (day !== undefined && !isCalendarDay(day))
      throw ApiError.field('day', 'must be a calendar day as YYYY-MM-DD');
    const names = task ? [task] : Object.keys(tasks).sort();
    const spend = await Promise.all(
      names.map((name) => this.spend.snapshot(name, day, tasks[name].budget)),
    );
    return { spend };
  }
}

/** `2026-02-30` and `2026-13-45` have the shape but name no day. */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}
